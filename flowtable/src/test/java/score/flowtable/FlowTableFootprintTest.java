package score.flowtable;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

/** The memory bound is a property of the layout, not of timing, so a test may assert it. */
class FlowTableFootprintTest {
  @Test
  void aFullTableShouldRetainAtMost64BytesPerFlow() {
    final int flows = 1 << 18;
    final FlowTable table = new FlowTable(flows, 0);
    table.beginUpdate(1_000);
    for (int i = 0; i < flows; i++) {
      final int src = 0x0A000000 | (i >>> 10);
      table.observe(src, 0x0B000000 | i, 6, i & 0xFFFF, 80, i, 1, 0);
      if ((i & 1023) == 0) {
        table.observeSourceMac(src, 0x0200_0000_0000L | i);
      }
    }
    table.endUpdate();
    final double bytesPerFlow = GraphLayout.parseInstance(table).totalSize() / (double) flows;
    assertTrue(bytesPerFlow <= 64, "retained bytes per flow: " + bytesPerFlow);
  }
}
