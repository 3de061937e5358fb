package score.flowtable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class FlowTableAllocationTest {
  private static final int FLOWS = 50_000;

  private static void poll(final FlowTable table, final long now, final long bytes) {
    table.beginUpdate(now);
    for (int flow = 0; flow < FLOWS; flow++) {
      table.observe(
          0x0A000000 | (flow >>> 8), 0x0B000000 | flow, 6, flow & 0xFFFF, 80, bytes, 1, now);
    }
    table.endUpdate();
  }

  @Test
  void updatingExistingFlowsShouldNotAllocate() {
    final com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    final FlowTable table = new FlowTable(FLOWS, 0);
    poll(table, 1_000, 100);
    for (int warm = 0; warm < 20; warm++) {
      poll(table, 2_000 + warm * 1_000L, 200 + warm);
    }
    final long id = Thread.currentThread().getId();
    final long before = threads.getThreadAllocatedBytes(id);
    for (int round = 0; round < 10; round++) {
      poll(table, 30_000 + round * 1_000L, 1_000 + round);
    }
    final long allocated = threads.getThreadAllocatedBytes(id) - before;
    // 500,000 updates; a few hundred bytes of slack for the measurement itself.
    assertTrue(allocated < 1_024, "allocated " + allocated + " bytes for 500,000 updates");
  }

  @Test
  void readersShouldSeeConsistentTotalsWhileTheWriterPolls() throws Exception {
    final FlowTable table = new FlowTable(FLOWS, 0);
    final AtomicBoolean writing = new AtomicBoolean(true);
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    final List<Thread> readers = new ArrayList<>();
    for (int reader = 0; reader < 2; reader++) {
      final Thread thread =
          new Thread(
              () -> {
                long lastTotal = 0;
                try {
                  while (writing.get()) {
                    final long[] total = {0, 0};
                    table.forEachFlow(
                        (s, d, p, sp, dp, bytes, packets, start, last) -> {
                          total[0] += bytes;
                          total[1]++;
                        });
                    // Every flow carries the same counter, so a torn read would show here.
                    if (total[1] > 0 && total[0] % total[1] != 0) {
                      throw new AssertionError("torn read: " + total[0] + " over " + total[1]);
                    }
                    if (total[0] < lastTotal) {
                      throw new AssertionError("total went down: " + lastTotal + " -> " + total[0]);
                    }
                    lastTotal = total[0];
                    table.pairs(1_000_000);
                  }
                } catch (final AssertionError | RuntimeException e) {
                  failure.compareAndSet(null, e);
                }
              });
      thread.start();
      readers.add(thread);
    }
    for (int round = 1; round <= 200; round++) {
      poll(table, round * 1_000L, round * 100L);
    }
    writing.set(false);
    for (final Thread thread : readers) {
      thread.join();
    }
    if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
    assertEquals(FLOWS, table.size());
  }
}
