package score.agent.ovs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Whatever bytes ovs-ofctl prints, the parser never throws and accounts for every line. */
class OvsFlowDumpParserPropertyTest {
  private final OvsFlowDumpParser parser = new OvsFlowDumpParser();

  @Property(tries = 2_000)
  void randomBytesShouldOnlyProduceCountedRejections(
      @ForAll @Size(max = 600) final byte[] garbage) {
    parser.parse(garbage, garbage.length, line -> {});
    assertAccounted(garbage);
  }

  @Property(tries = 2_000)
  void mutatedDumpsShouldOnlyProduceCountedRejections(
      @ForAll @IntRange(min = 0, max = 1_000) final int position,
      @ForAll final byte replacement,
      @ForAll @IntRange(min = 0, max = 1_000) final int cut) {
    final byte[] dump =
        (OvsFlowDumpParserTest.HEADER
                + OvsFlowDumpParserTest.PIPELINE_LINE
                + OvsFlowDumpParserTest.TCP_LINE
                + OvsFlowDumpParserTest.MAC_LINE)
            .getBytes(StandardCharsets.US_ASCII);
    dump[position % dump.length] = replacement;
    final int length = Math.min(dump.length, cut + 1);
    parser.parse(dump, length, line -> assertTrue(line.bytes() >= 0 && line.packets() >= 0));
    assertAccounted(java.util.Arrays.copyOf(dump, length));
  }

  private void assertAccounted(final byte[] text) {
    int lines = 0;
    for (final byte each : text) {
      if (each == '\n') {
        lines++;
      }
    }
    if (text.length > 0 && text[text.length - 1] != '\n') {
      lines++;
    }
    assertEquals(lines, parser.flows() + parser.malformed() + parser.skipped(), "lines");
  }
}
