package score.agent.ovs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules an operator (or another controller) put on a bridge, found in a flow dump: the agent's
 * counting rules in table 0 take every IP packet before any lower-priority rule there, so a bridge
 * whose table 0 holds rules of its own must hand the agent a table where its pipeline starts
 * ({@code ovs.pipeline-table}), or the agent would change how packets are forwarded or dropped. The
 * one rule that is not counted as the operator's: {@code priority=0 actions=NORMAL} (a new bridge's
 * default, which the agent's forwarding does too).
 */
public final class OperatorRules {
  private static final Pattern COOKIE = Pattern.compile("cookie=0x([0-9a-fA-F]+)");
  private static final Pattern TABLE = Pattern.compile("table=(\\d+)");
  private static final Pattern PRIORITY = Pattern.compile("priority=(\\d+)");

  private OperatorRules() {}

  /** The rules of table {@code table} in {@code dump} that are neither the agent's nor default. */
  public static List<String> inTable(final OvsSwitch.Dump dump, final int table) {
    final String text = new String(dump.bytes(), 0, dump.length(), StandardCharsets.UTF_8);
    final List<String> found = new ArrayList<>();
    for (final String raw : text.split("\n")) {
      final String line = raw.strip();
      if (!line.contains("actions=")) {
        continue; // the reply header
      }
      final Matcher cookie = COOKIE.matcher(line);
      if (cookie.find()
          && (Long.parseUnsignedLong(cookie.group(1), 16) & CountingPipeline.COOKIE_MASK)
              == CountingPipeline.COOKIE_PREFIX) {
        continue;
      }
      final Matcher tableMatch = TABLE.matcher(line);
      final int lineTable = tableMatch.find() ? Integer.parseInt(tableMatch.group(1)) : 0;
      if (lineTable != table) {
        continue;
      }
      final Matcher priority = PRIORITY.matcher(line);
      final int prio = priority.find() ? Integer.parseInt(priority.group(1)) : 32768;
      final String actions = line.substring(line.indexOf("actions=") + 8).strip();
      if (prio == 0 && actions.equalsIgnoreCase("NORMAL") && isMatchAll(line)) {
        continue;
      }
      found.add(withoutStatistics(line));
    }
    return found;
  }

  private static boolean isMatchAll(final String line) {
    // "cookie=…, duration=…, table=0, n_packets=…, n_bytes=…, priority=0 actions=NORMAL"
    final String head = line.substring(0, line.indexOf("actions="));
    final int at = head.indexOf("priority=0");
    return at >= 0 && head.substring(at + "priority=0".length()).strip().isEmpty();
  }

  /** The rule as an operator wrote it: without counters and ages. */
  private static String withoutStatistics(final String line) {
    return line.replaceAll("\\s*(duration|n_packets|n_bytes|idle_age|hard_age)=[^,\\s]+,?", "")
        .strip();
  }
}
