package score.sim;

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
    return readTraffic(file, vmIndex, vmsFixed, maxVms, 1);
  }

  /**
   * As above, and refuses rates whose total times {@code longestPathCost} (c_1 + … + c_top, the
   * most a byte can cost) does not fit a double, naming the line where the total overflows: with
   * such rates every cost would print as Infinity and every reduction as NaN.
   */
  public static TrafficMatrix readTraffic(
      final Path file,
      final Map<String, Integer> vmIndex,
      final boolean vmsFixed,
      final int maxVms,
      final double longestPathCost)
      throws InputException {
    double total = 0;
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
      total += rate;
      if (!Double.isFinite(2 * total * longestPathCost)) {
        throw InputException.at(
            file.toString(),
            line,
            "the rates up to this line add up to "
                + total
                + " bytes per second; times the link weights ("
                + longestPathCost
                + " for the longest path) the communication cost exceeds the largest number:"
                + " scale the rates or the link weights down");
      }
      pairs.add(new int[] {src, dst});
      rates.add(rate);
    }
    if (pairs.isEmpty()) {
      throw new InputException(
          file + ": no traffic: the file has no src_vm,dst_vm,bytes_per_second line");
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

  /**
   * The file's lines as UTF-8 (a leading byte-order mark dropped); bytes that are not UTF-8 are
   * reported with the line they are on.
   */
  private static List<String> lines(final Path file) throws InputException {
    final List<String> lines = new ArrayList<>();
    final java.nio.charset.CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    try (java.io.InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
      byte[] line = new byte[256];
      int length = 0;
      int next;
      do {
        next = in.read();
        if (next == '\n' || (next < 0 && length > 0)) {
          lines.add(decode(file, decoder, line, length, lines.size() + 1));
          length = 0;
        } else if (next >= 0) {
          if (length == line.length) {
            line = java.util.Arrays.copyOf(line, 2 * length);
          }
          line[length++] = (byte) next;
        }
      } while (next >= 0);
    } catch (final java.nio.file.NoSuchFileException e) {
      throw new InputException(file + ": cannot read: no such file");
    } catch (final java.nio.file.AccessDeniedException e) {
      throw new InputException(file + ": cannot read: permission denied");
    } catch (final IOException e) {
      throw new InputException(file + ": cannot read: " + e.getMessage());
    }
    return lines;
  }

  /** One line as UTF-8, without a byte-order mark on the first and a carriage return at the end. */
  private static String decode(
      final Path file,
      final java.nio.charset.CharsetDecoder decoder,
      final byte[] bytes,
      final int length,
      final int lineNumber)
      throws InputException {
    final java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes, 0, length);
    final java.nio.CharBuffer out = java.nio.CharBuffer.allocate(length + 1);
    decoder.reset();
    final java.nio.charset.CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      throw InputException.at(
          file.toString(),
          lineNumber,
          "not UTF-8 text: byte 0x"
              + Integer.toHexString(bytes[in.position()] & 0xff)
              + " at column "
              + (in.position() + 1));
    }
    decoder.flush(out);
    out.flip();
    String text = out.toString();
    if (lineNumber == 1 && text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    if (text.endsWith("\r")) {
      text = text.substring(0, text.length() - 1);
    }
    return text;
  }
}
