package score.core.plan;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads an evacuation file: one VM per line as {@code NAME,TX,RX} (rates with units: {@code
 * 200Mbps}, {@code 1.5Gbps}, {@code 800kbps}), {@code background-source,RATE} (outgoing traffic at
 * the source that is not the evacuated VMs'), {@code background-destination,RATE} (incoming traffic
 * at the destination); {@code #} starts a comment; blank lines are skipped.
 */
public final class EvacuationText {
  public static final String FORMAT =
      "NAME,TX,RX per VM (e.g. vm1,200Mbps,400Mbps); background-source,RATE;"
          + " background-destination,RATE; # comments";

  private EvacuationText() {}

  /**
   * The evacuation {@code lines} describe.
   *
   * @throws IllegalArgumentException with {@code FILE:LINE: reason}
   */
  public static Evacuation parse(final String fileName, final List<String> lines) {
    final List<EvacuatingVm> vms = new ArrayList<>();
    final Set<String> names = new HashSet<>();
    BitRate source = null;
    BitRate destination = null;
    for (int index = 0; index < lines.size(); index++) {
      final String where = fileName + ":" + (index + 1) + ": ";
      final String line = stripComment(lines.get(index));
      if (line.isEmpty()) {
        continue;
      }
      final String[] fields = line.split(",", -1);
      for (int f = 0; f < fields.length; f++) {
        fields[f] = fields[f].trim();
      }
      final String name = fields[0];
      try {
        if (name.toLowerCase(Locale.ROOT).startsWith("background-")) {
          expectFields(fields, 2, name + ",RATE");
          final BitRate rate = BitRate.parse(fields[1]);
          switch (name.toLowerCase(Locale.ROOT)) {
            case "background-source" -> {
              if (source != null) {
                throw new IllegalArgumentException("background-source is given twice");
              }
              source = rate;
            }
            case "background-destination" -> {
              if (destination != null) {
                throw new IllegalArgumentException("background-destination is given twice");
              }
              destination = rate;
            }
            default ->
                throw new IllegalArgumentException(
                    "unknown '" + name + "': use background-source or background-destination");
          }
          continue;
        }
        expectFields(fields, 3, "NAME,TX,RX");
        if (!name.matches("[A-Za-z0-9_.:@-]+")) {
          throw new IllegalArgumentException(
              "'" + name + "' is not a VM name (letters, digits, _ . : @ -)");
        }
        if (!names.add(name)) {
          throw new IllegalArgumentException("VM " + name + " is listed twice");
        }
        vms.add(new EvacuatingVm(name, BitRate.parse(fields[1]), BitRate.parse(fields[2])));
      } catch (final IllegalArgumentException e) {
        throw new IllegalArgumentException(where + e.getMessage(), e);
      }
    }
    if (vms.isEmpty()) {
      throw new IllegalArgumentException(fileName + ": no VMs; expected " + FORMAT);
    }
    return new Evacuation(
        vms,
        source == null ? BitRate.ZERO : source,
        destination == null ? BitRate.ZERO : destination);
  }

  private static String stripComment(final String line) {
    final int hash = line.indexOf('#');
    return (hash < 0 ? line : line.substring(0, hash)).trim();
  }

  private static void expectFields(final String[] fields, final int count, final String form) {
    if (fields.length != count) {
      throw new IllegalArgumentException(
          "expected " + count + " comma-separated fields, " + form + ", found " + fields.length);
    }
  }
}
