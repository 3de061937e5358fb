package score.agent.ovs;

import java.time.Duration;
import java.util.List;

/**
 * The rules the agent installs on a bridge so that OVS counts every TCP and UDP connection.
 *
 * <p>Under the NORMAL action alone, datapath flows are wildcarded to layer 2 and carry no IPs or
 * ports (shared/TESTBED.md). So table 0 sends every IPv4 TCP and UDP packet through two {@code
 * learn} actions: one creates an exact 5-tuple rule in the <em>count table</em> whose only job is
 * to count (its action is drop, but it is reached by {@code resubmit} and forwarding continues),
 * the other records the source MAC of each source IP in the <em>MAC table</em>. Forwarding then
 * resubmits to the <em>forward table</em>, where a NORMAL rule switches the packet as before.
 *
 * <p>All rules carry cookies under {@link #COOKIE_PREFIX}, so the agent finds its own rules in a
 * dump and removes exactly them on shutdown.
 */
public record CountingPipeline(
    int countTable,
    int macTable,
    int forwardTable,
    Duration learnedIdleTimeout,
    boolean operatorForwards) {
  /** Upper 48 bits of every cookie the agent sets ("5c0e" for S-CORE). */
  public static final long COOKIE_PREFIX = 0x5c0e_0000_0000_0000L;

  /** Mask that selects {@link #COOKIE_PREFIX}. */
  public static final long COOKIE_MASK = 0xffff_ffff_ffff_ff00L;

  /** Cookie of the table-0 and forward-table rules. */
  public static final long PIPELINE_COOKIE = COOKIE_PREFIX | 1;

  /** Cookie of the learned 5-tuple counting rules. */
  public static final long FLOW_COOKIE = COOKIE_PREFIX | 2;

  /** Cookie of the learned source-MAC rules. */
  public static final long MAC_COOKIE = COOKIE_PREFIX | 3;

  /** Priority of the agent's table-0 rules: above a default NORMAL rule at 0. */
  public static final int ENTRY_PRIORITY = 100;

  /** Rules in {@link #rules()} that a dump must show for the pipeline to be intact. */
  public int ruleCount() {
    return 3;
  }

  /** The agent forwards counted packets itself, with NORMAL in {@code forwardTable}. */
  public CountingPipeline(
      final int countTable,
      final int macTable,
      final int forwardTable,
      final Duration learnedIdleTimeout) {
    this(countTable, macTable, forwardTable, learnedIdleTimeout, false);
  }

  /**
   * Counting in front of a bridge with its own OpenFlow pipeline starting at {@code operatorTable}:
   * every counted packet goes on there, so the operator's rules decide how it is forwarded or
   * dropped, exactly as without the agent.
   */
  public static CountingPipeline inFrontOf(final int operatorTable, final Duration idle) {
    return new CountingPipeline(1, 3, operatorTable, idle, true);
  }

  /** Tables 1, 3 and 2 with learned rules expiring after 60 s idle, as in shared/TESTBED.md. */
  public static CountingPipeline defaults() {
    return new CountingPipeline(1, 3, 2, Duration.ofSeconds(60));
  }

  public CountingPipeline {
    if (countTable < 1 || macTable < 1 || forwardTable < 1) {
      throw new IllegalArgumentException("pipeline tables must be 1..254 (table 0 is the entry)");
    }
    if (countTable > 254 || macTable > 254 || forwardTable > 254) {
      throw new IllegalArgumentException("pipeline tables must be 1..254");
    }
    if (countTable == macTable || countTable == forwardTable || macTable == forwardTable) {
      throw new IllegalArgumentException(
          "count, MAC and forward tables must differ: "
              + countTable
              + ", "
              + macTable
              + ", "
              + forwardTable);
    }
    if (learnedIdleTimeout.toSeconds() < 1 || learnedIdleTimeout.toSeconds() > 65535) {
      throw new IllegalArgumentException(
          "learned rules' idle timeout must be 1..65535 s: " + learnedIdleTimeout);
    }
  }

  /** The rules, in {@code ovs-ofctl add-flows} syntax. */
  public List<String> rules() {
    if (operatorForwards) {
      // What the entry rules do not count (ARP, ICMP, ...) goes to the operator's table too.
      return List.of(
          entryRule("tcp", 6, "TCP"),
          entryRule("udp", 17, "UDP"),
          "table=0,priority=1,cookie="
              + hex(PIPELINE_COOKIE)
              + ",actions=resubmit(,"
              + forwardTable
              + ")");
    }
    return List.of(entryRule("tcp", 6, "TCP"), entryRule("udp", 17, "UDP"), forwardRule());
  }

  private String entryRule(final String match, final int protocol, final String portField) {
    final long idle = learnedIdleTimeout.toSeconds();
    return "table=0,priority="
        + ENTRY_PRIORITY
        + ",cookie="
        + hex(PIPELINE_COOKIE)
        + ","
        + match
        + ",actions=learn(table="
        + countTable
        + ",idle_timeout="
        + idle
        + ",priority=100,cookie="
        + hex(FLOW_COOKIE)
        + ",eth_type=0x800,nw_proto="
        + protocol
        + ",NXM_OF_IP_SRC[],NXM_OF_IP_DST[],NXM_OF_"
        + portField
        + "_SRC[],NXM_OF_"
        + portField
        + "_DST[]),learn(table="
        + macTable
        + ",idle_timeout="
        + idle
        + ",priority=100,cookie="
        + hex(MAC_COOKIE)
        + ",eth_type=0x800,NXM_OF_IP_SRC[],NXM_OF_ETH_SRC[]),resubmit(,"
        + countTable
        + "),resubmit(,"
        + forwardTable
        + ")";
  }

  private String forwardRule() {
    return "table="
        + forwardTable
        + ",priority=0,cookie="
        + hex(PIPELINE_COOKIE)
        + ",actions=NORMAL";
  }

  /** {@code del-flows} match for every rule the agent installed or caused OVS to learn. */
  public static String allAgentRules() {
    return "cookie=" + hex(COOKIE_PREFIX) + "/" + hex(COOKIE_MASK);
  }

  private static String hex(final long value) {
    return "0x" + Long.toHexString(value);
  }
}
