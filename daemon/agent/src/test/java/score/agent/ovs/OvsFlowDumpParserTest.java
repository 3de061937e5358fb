package score.agent.ovs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import score.flowtable.Ipv4;

class OvsFlowDumpParserTest {
  static final String HEADER = "NXST_FLOW reply (xid=0x4):\n";
  static final String TCP_LINE =
      " cookie=0x5c0e000000000002, duration=7.316s, table=1, n_packets=118992,"
          + " n_bytes=180148189, idle_timeout=60, idle_age=2, hard_age=2,"
          + " priority=100,tcp,nw_src=10.77.0.1,nw_dst=10.77.0.2,tp_src=40001,tp_dst=5201"
          + " actions=drop\n";
  static final String MAC_LINE =
      " cookie=0x5c0e000000000003, duration=3.519s, table=3, n_packets=0, n_bytes=0,"
          + " idle_timeout=60, idle_age=3, hard_age=1,"
          + " priority=100,ip,dl_src=a2:dd:6c:53:d2:5e,nw_src=10.77.0.1 actions=drop\n";
  static final String PIPELINE_LINE =
      " cookie=0x5c0e000000000001, duration=4.028s, table=0, n_packets=309869,"
          + " n_bytes=355515861, idle_age=1, priority=100,tcp"
          + " actions=learn(table=1,idle_timeout=60,priority=100,cookie=0x5c0e000000000002,"
          + "eth_type=0x800,nw_proto=6,NXM_OF_IP_SRC[],NXM_OF_IP_DST[],NXM_OF_TCP_SRC[],"
          + "NXM_OF_TCP_DST[]),resubmit(,1),resubmit(,2)\n";

  record Seen(long cookie, int table, long durationMillis, long packets, long bytes, String text) {}

  private final OvsFlowDumpParser parser = new OvsFlowDumpParser();

  private List<Seen> parse(final String dump) {
    final byte[] bytes = dump.getBytes(StandardCharsets.US_ASCII);
    final List<Seen> seen = new ArrayList<>();
    parser.parse(
        bytes,
        bytes.length,
        line ->
            seen.add(
                new Seen(
                    line.cookie(),
                    line.table(),
                    line.durationMillis(),
                    line.packets(),
                    line.bytes(),
                    line.isExactTransportFlow()
                        ? line.protocol()
                            + " "
                            + Ipv4.format(line.srcIp())
                            + ":"
                            + line.srcPort()
                            + ">"
                            + Ipv4.format(line.dstIp())
                            + ":"
                            + line.dstPort()
                        : line.hasSrcIp() && line.srcMac() >= 0
                            ? "mac " + Ipv4.format(line.srcIp()) + " " + line.srcMac()
                            : "other")));
    return seen;
  }

  @Test
  void aRealDumpShouldYieldEveryField() {
    final List<Seen> seen = parse(HEADER + PIPELINE_LINE + TCP_LINE + MAC_LINE);
    assertEquals(3, seen.size());
    assertEquals(0, parser.malformed());
    assertEquals(1, parser.skipped());
    assertEquals(
        new Seen(
            0x5c0e000000000002L,
            1,
            7_316,
            118_992,
            180_148_189,
            "6 10.77.0.1:40001>10.77.0.2:5201"),
        seen.get(1));
    assertEquals("other", seen.get(0).text());
    assertEquals("mac 10.77.0.1 " + 0xa2dd6c53d25eL, seen.get(2).text());
  }

  @Test
  void udpHexPortsAndWholeSecondsShouldParse() {
    final List<Seen> seen =
        parse(
            " cookie=0x1, duration=12s, table=1, n_packets=3, n_bytes=300,"
                + " udp,nw_src=1.2.3.4,nw_dst=5.6.7.8,tp_src=0x50,tp_dst=53 actions=drop");
    assertEquals(new Seen(1, 1, 12_000, 3, 300, "17 1.2.3.4:80>5.6.7.8:53"), seen.get(0));
  }

  @Test
  void maskedAndIpv6RulesShouldNotCountAsExactFlows() {
    final List<Seen> seen =
        parse(
            " cookie=0x1, duration=1.0s, table=1, n_packets=3, n_bytes=300,"
                + " tcp,nw_src=10.0.0.0/24,nw_dst=5.6.7.8,tp_src=1,tp_dst=2 actions=drop\n"
                + " cookie=0x1, duration=1.0s, table=1, n_packets=3, n_bytes=300,"
                + " tcp,nw_src=10.0.0.1,nw_dst=5.6.7.8,tp_src=1,tp_dst=0x1450/0xfff0"
                + " actions=drop\n"
                + " cookie=0x1, duration=1.0s, table=1, n_packets=3, n_bytes=300,"
                + " tcp6,tp_src=1,tp_dst=2 actions=drop\n");
    assertEquals(3, seen.size());
    for (final Seen each : seen) {
      assertEquals("other", each.text());
    }
  }

  @Test
  void truncatedLinesShouldBeCountedAndSkipped() {
    final String full = HEADER + TCP_LINE + TCP_LINE;
    for (int cut = HEADER.length() + TCP_LINE.length() + 2; cut < full.length() - 7; cut += 7) {
      final List<Seen> seen = parse(full.substring(0, cut));
      assertEquals(1, seen.size(), "cut at " + cut);
      assertEquals(1, parser.malformed(), "cut at " + cut);
      assertTrue(parser.firstError().startsWith("line 3: "), parser.firstError());
    }
  }

  @Test
  void garbledValuesShouldBeRejectedWithAReason() {
    final String[][] cases = {
      {"n_bytes=180148189", "n_bytes=18x148189", "bad n_bytes"},
      {"n_packets=118992", "n_packets=-5", "bad n_packets"},
      {"duration=7.316s", "duration=7.316", "bad duration"},
      {"duration=7.316s", "duration=s", "bad duration"},
      {"nw_src=10.77.0.1", "nw_src=10.777.0.1", "bad nw_src"},
      {"nw_dst=10.77.0.2", "nw_dst=10.77.0", "bad nw_dst"},
      {"tp_src=40001", "tp_src=70000", "bad tp_src"},
      {"cookie=0x5c0e000000000002", "cookie=5c0e", "bad cookie"},
      {"n_bytes=180148189", "n_bytes=99999999999999999999", "bad n_bytes"},
      {"table=1", "table=", "empty value"},
      {"n_bytes=180148189, ", "", "missing duration, n_packets or n_bytes"},
    };
    for (final String[] each : cases) {
      final String line = TCP_LINE.replace(each[0], each[1]);
      assertTrue(parse(line).isEmpty(), line);
      assertEquals(1, parser.malformed());
      assertEquals("line 1: " + each[2], parser.firstError(), line);
    }
  }

  @Test
  void nonFlowTextShouldBeMalformedButHeadersAndBlanksNot() {
    parse("OFPST_FLOW reply (OF1.3) (xid=0x2):\n\n   \n" + TCP_LINE);
    assertEquals(0, parser.malformed());
    assertEquals(3, parser.skipped());
    assertNull(parser.firstError());
    parse("ovs-ofctl: something odd\n" + TCP_LINE);
    assertEquals(1, parser.malformed());
    assertEquals(1, parser.flows());
  }

  @Test
  void numberHelpersShouldRejectOverflowAndJunk() {
    assertEquals(-1, OvsFlowDumpParser.parseDecimal(new byte[0], 0, 0));
    assertEquals(Long.MIN_VALUE, parse16("0x12345678901234567"));
    assertEquals(0xffffffffffffffffL, parse16("0xffffffffffffffff"));
    assertEquals(1_500, seconds("1.5s"));
    assertEquals(1_234, seconds("1.23456s"));
    assertFalse(seconds("1.s") >= 0);
    assertEquals(-1, OvsFlowDumpParser.parseMac(ascii("aa:bb:cc:dd:ee"), 0, 14));
  }

  private static byte[] ascii(final String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static long parse16(final String text) {
    return OvsFlowDumpParser.parseHex(ascii(text), 0, text.length());
  }

  private static long seconds(final String text) {
    return OvsFlowDumpParser.parseSeconds(ascii(text), 0, text.length());
  }
}
