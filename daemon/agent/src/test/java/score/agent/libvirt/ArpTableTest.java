package score.agent.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ArpTableTest {
  @Test
  void completeEntriesShouldBeReadAndEverythingElseSkipped() {
    final String table =
        "IP address       HW type     Flags       HW address            Mask     Device\n"
            + "10.210.1.1       0x1         0x2         52:54:00:5C:01:01     *        br0\n"
            + "10.210.1.2       0x1         0x0         00:00:00:00:00:00     *        br0\n"
            + "10.210.1.300     0x1         0x2         52:54:00:5c:01:03     *        br0\n"
            + "garbage\n"
            + "10.210.1.4       0x1         zz          52:54:00:5c:01:04     *        br0\n";
    assertEquals(
        Map.of("52:54:00:5c:01:01", (10 << 24) | (210 << 16) | (1 << 8) | 1),
        ArpTable.parse(table));
    assertEquals(Map.of(), ArpTable.parse(""));
  }
}
