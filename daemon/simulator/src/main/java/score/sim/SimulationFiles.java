package score.sim;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import score.core.decision.Topology;

/**
 * The simulator's input files: a topology ({@code HOST SWITCH…} per line, the switches from the
 * host's top-of-rack switch upwards), a placement (CSV {@code vm,host}) and a traffic matrix (CSV
 * {@code src_vm,dst_vm,bytes_per_second}). Blank lines and {@code #} comments are skipped, as is a
 * first line that names the columns. Every error names the file, the line and the reason.
 */
public final class SimulationFiles {
  private SimulationFiles() {}

  /** A topology read from a file, with its host names. */
  public record NamedTopology(Topology topology, List<String> hostNames) {}

  /** VM names in order of first appearance, and where each runs. */
  public record Placement(List<String> vmNames, int[] hostOf) {}

  public static NamedTopology readTopology(final Path file) throws InputException {
    final List<String> names = new ArrayList<>();
    final List<String[]> paths = new ArrayList<>();
    final Map<String, Integer> seen = new HashMap<>();
    int line = 0;
    for (final String raw : lines(file)) {
      line++;
      final String text = strip(raw);
      if (text.isEmpty()) {
        continue;
      }
      final String[] fields = text.split("\\s+");
      if (fields.length < 2) {
        throw InputException.at(
            file.toString(), line, "expected HOST TOR [AGG …], found \"" + text + "\"");
      }
      if (seen.putIfAbsent(fields[0], line) != null) {
        throw InputException.at(
            file.toString(),
            line,
            "host " + fields[0] + " already listed on line " + seen.get(fields[0]));
      }
      if (!paths.isEmpty() && paths.get(0).length != fields.length - 1) {
        throw InputException.at(
            file.toString(),
            line,
            "host "
                + fields[0]
                + " has "
                + (fields.length - 1)
                + " switch levels, the first host has "
                + paths.get(0).length);
      }
      names.add(fields[0]);
      paths.add(java.util.Arrays.copyOfRange(fields, 1, fields.length));
    }
    if (names.isEmpty()) {
      throw new InputException(file + ": no hosts");
    }
    return new NamedTopology(Topology.fromPaths(paths.toArray(String[][]::new)), names);
  }

  /**
   * Reads {@code vm,host}; hosts are numbers 0 … hosts-1 or, with a topology file, its host names.
   */
  public static Placement readPlacement(
      final Path file, final int hosts, final List<String> hostNames) throws InputException {
    final Map<String, Integer> hostByName = new HashMap<>();
    if (hostNames != null) {
      for (int host = 0; host < hostNames.size(); host++) {
        hostByName.put(hostNames.get(host), host);
      }
    }
    final LinkedHashMap<String, Integer> hostOfVm = new LinkedHashMap<>();
    final Map<String, Integer> lineOfVm = new HashMap<>();
    int line = 0;
    for (final String raw : lines(file)) {
      line++;
      final String text = strip(raw);
      if (text.isEmpty() || (line == firstContentLine(file) && isHeader(text, "vm"))) {
        continue;
      }
      final String[] fields = csv(file, line, text, 2, "vm,host");
      final String vm = fields[0];
      final Integer named = hostByName.get(fields[1]);
      final int host = named != null ? named : hostNumber(file, line, fields[1], hosts);
      if (lineOfVm.putIfAbsent(vm, line) != null) {
        throw InputException.at(
            file.toString(), line, "VM " + vm + " already placed on line " + lineOfVm.get(vm));
      }
      hostOfVm.put(vm, host);
    }
    if (hostOfVm.isEmpty()) {
      throw new InputException(file + ": no VMs");
    }
    final List<String> names = new ArrayList<>(hostOfVm.keySet());
    final int[] hostOf = new int[names.size()];
    for (int vm = 0; vm < hostOf.length; vm++) {
      hostOf[vm] = hostOfVm.get(names.get(vm));
    }
    return new Placement(names, hostOf);
  }

  /** Checks that no host gets more than {@code slots} VMs, naming the line that overfills. */
  public static void requireRoom(
      final Path file, final Placement placement, final int hosts, final int slots)
      throws InputException {
    final int[] count = new int[hosts];
    int line = 0;
    final Map<String, Integer> indexOf = new HashMap<>();
    for (int vm = 0; vm < placement.vmNames().size(); vm++) {
      indexOf.put(placement.vmNames().get(vm), vm);
    }
    for (final String raw : lines(file)) {
      line++;
      final String text = strip(raw);
      if (text.isEmpty()) {
        continue;
      }
      final Integer vm = indexOf.get(text.split(",", -1)[0].trim());
      if (vm == null) {
        continue;
      }
      final int host = placement.hostOf()[vm];
      if (++count[host] > slots) {
        throw InputException.at(
            file.toString(),
            line,
            "host "
                + host
                + " is overfilled: VM "
                + placement.vmNames().get(vm)
                + " is its "
                + count[host]
                + "th, it has "
                + slots
                + " slots");
      }
    }
  }

  /**
   * Reads {@code src_vm,dst_vm,bytes_per_second}. With {@code vmIndex} (from a placement) every VM
   * must be known; without, VMs are numbered in order of first appearance and added to it.
   */
  public static TrafficMatrix readTraffic(
      final Path file, final Map<String, Integer> vmIndex, final boolean vmsFixed, final int maxVms)
      throws InputException {
    final List<int[]> pairs = new ArrayList<>();
    final List<Double> rates = new ArrayList<>();
    int line = 0;
    final int first = firstContentLine(file);
    for (final String raw : lines(file)) {
      line++;
      final String text = strip(raw);
      if (text.isEmpty() || (line == first && isHeader(text, "src"))) {
        continue;
      }
      final String[] fields = csv(file, line, text, 3, "src_vm,dst_vm,bytes_per_second");
      final int src = vm(file, line, fields[0], vmIndex, vmsFixed, maxVms);
      final int dst = vm(file, line, fields[1], vmIndex, vmsFixed, maxVms);
      final double rate;
      try {
        rate = Double.parseDouble(fields[2]);
      } catch (final NumberFormatException e) {
        throw InputException.at(
            file.toString(), line, "rate \"" + fields[2] + "\" is not a number");
      }
      if (!(rate >= 0) || Double.isInfinite(rate)) {
        throw InputException.at(
            file.toString(),
            line,
            "rate " + fields[2] + " must be a finite number of bytes per second, at least 0");
      }
      if (src == dst) {
        throw InputException.at(file.toString(), line, "VM " + fields[0] + " talks to itself");
      }
      pairs.add(new int[] {src, dst});
      rates.add(rate);
    }
    final TrafficMatrix.Builder builder = new TrafficMatrix.Builder(vmIndex.size());
    for (int i = 0; i < pairs.size(); i++) {
      builder.add(pairs.get(i)[0], pairs.get(i)[1], rates.get(i));
    }
    return builder.build();
  }

  private static int vm(
      final Path file,
      final int line,
      final String name,
      final Map<String, Integer> vmIndex,
      final boolean vmsFixed,
      final int maxVms)
      throws InputException {
    final Integer known = vmIndex.get(name);
    if (known != null) {
      return known;
    }
    if (vmsFixed) {
      throw InputException.at(
          file.toString(), line, "unknown VM " + name + " (not in the placement)");
    }
    if (vmIndex.size() >= maxVms) {
      throw InputException.at(
          file.toString(),
          line,
          "VM " + name + " is one more than the data centre's " + maxVms + " slots");
    }
    vmIndex.put(name, vmIndex.size());
    return vmIndex.size() - 1;
  }

  private static int hostNumber(
      final Path file, final int line, final String field, final int hosts) throws InputException {
    final int host;
    try {
      host = Integer.parseInt(field);
    } catch (final NumberFormatException e) {
      throw InputException.at(
          file.toString(),
          line,
          "host \"" + field + "\" is neither a number nor a host of the topology");
    }
    if (host < 0 || host >= hosts) {
      throw InputException.at(
          file.toString(), line, "host " + host + " is not in [0, " + (hosts - 1) + "]");
    }
    return host;
  }

  private static String[] csv(
      final Path file, final int line, final String text, final int columns, final String form)
      throws InputException {
    final String[] fields = text.split(",", -1);
    if (fields.length != columns) {
      throw InputException.at(
          file.toString(),
          line,
          "expected " + columns + " fields (" + form + "), found " + fields.length);
    }
    for (int i = 0; i < fields.length; i++) {
      fields[i] = fields[i].trim();
      if (fields[i].isEmpty()) {
        throw InputException.at(
            file.toString(), line, "field " + (i + 1) + " of " + form + " is empty");
      }
    }
    return fields;
  }

  private static boolean isHeader(final String text, final String firstColumn) {
    return text.toLowerCase(java.util.Locale.ROOT).startsWith(firstColumn);
  }

  private static String strip(final String raw) {
    final int hash = raw.indexOf('#');
    return (hash >= 0 ? raw.substring(0, hash) : raw).trim();
  }

  private static int firstContentLine(final Path file) throws InputException {
    int line = 0;
    for (final String raw : lines(file)) {
      line++;
      if (!strip(raw).isEmpty()) {
        return line;
      }
    }
    return -1;
  }

  private static List<String> lines(final Path file) throws InputException {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return reader.lines().toList();
    } catch (final IOException | java.io.UncheckedIOException e) {
      throw new InputException(file + ": cannot read: " + e.getMessage());
    }
  }
}
