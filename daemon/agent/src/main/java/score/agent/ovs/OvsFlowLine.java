package score.agent.ovs;

/**
 * One parsed line of {@code ovs-ofctl dump-flows}: a reusable view that {@link OvsFlowDumpParser}
 * refills for every line, so parsing allocates nothing. Do not keep a reference past the callback.
 */
public final class OvsFlowLine {
  /** Value of the optional numeric fields when the line lacks them. */
  public static final int ABSENT = -1;

  long cookie;
  int table;
  long durationMillis;
  long packets;
  long bytes;
  int priority;
  int protocol;
  boolean ipv6;
  boolean hasSrcIp;
  int srcIp;
  boolean hasDstIp;
  int dstIp;
  boolean masked;
  int srcPort;
  int dstPort;
  long srcMac;
  int lineNumber;

  void reset(final int lineNumber) {
    this.lineNumber = lineNumber;
    cookie = 0;
    table = 0;
    durationMillis = ABSENT;
    packets = ABSENT;
    bytes = ABSENT;
    priority = ABSENT;
    protocol = ABSENT;
    ipv6 = false;
    hasSrcIp = false;
    srcIp = 0;
    hasDstIp = false;
    dstIp = 0;
    masked = false;
    srcPort = ABSENT;
    dstPort = ABSENT;
    srcMac = ABSENT;
  }

  public long cookie() {
    return cookie;
  }

  public int table() {
    return table;
  }

  public long durationMillis() {
    return durationMillis;
  }

  public long packets() {
    return packets;
  }

  public long bytes() {
    return bytes;
  }

  public int priority() {
    return priority;
  }

  /** IP protocol number (6 TCP, 17 UDP), or {@link #ABSENT}. */
  public int protocol() {
    return protocol;
  }

  public boolean ipv6() {
    return ipv6;
  }

  public boolean hasSrcIp() {
    return hasSrcIp;
  }

  public int srcIp() {
    return srcIp;
  }

  public boolean hasDstIp() {
    return hasDstIp;
  }

  public int dstIp() {
    return dstIp;
  }

  /** True when an address or port is matched under a mask: the rule covers more than one flow. */
  public boolean masked() {
    return masked;
  }

  public int srcPort() {
    return srcPort;
  }

  public int dstPort() {
    return dstPort;
  }

  /** 48-bit source MAC ({@code dl_src}), or {@link #ABSENT}. */
  public long srcMac() {
    return srcMac;
  }

  /** 1-based line number in the dump. */
  public int lineNumber() {
    return lineNumber;
  }

  /** True when the rule matches exactly one TCP or UDP flow over IPv4. */
  public boolean isExactTransportFlow() {
    return (protocol == 6 || protocol == 17)
        && !ipv6
        && !masked
        && hasSrcIp
        && hasDstIp
        && srcPort != ABSENT
        && dstPort != ABSENT;
  }
}
