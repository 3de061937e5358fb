package score.core.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import score.core.port.ProbeAnswers;

/**
 * Probes answered later, out of order, twice, for an old round, or never, on a clock that wraps
 * during the wait (it starts next to {@link Long#MAX_VALUE}).
 */
class ProbeBookTest {
  private static final long START = Long.MAX_VALUE - 50;
  private static final long TIMEOUT = 100;

  /** Neighbours 11, 12, 13 with some traffic each. */
  private static final NeighbourTraffic THREE =
      new NeighbourTraffic() {
        @Override
        public int count() {
          return 3;
        }

        @Override
        public int vm(final int index) {
          return 11 + index;
        }

        @Override
        public double bytesPerSecond(final int index) {
          return 1_000 * (index + 1);
        }
      };

  private record Asked(long requestId, int id) {}

  @Test
  void answersArriveLaterAndTheDeadlineSettlesWhatNeverCame() {
    final ProbeBook book = new ProbeBook();
    final List<Asked> located = new ArrayList<>();
    book.locate(7, THREE, (id, vm, answers) -> located.add(new Asked(id, vm)), START, TIMEOUT);
    assertEquals(3, located.size(), "one location probe per neighbour, sent at once");
    assertFalse(book.locationsSettled(START), "nothing answered yet");

    book.located(7, 13, 2);
    book.located(6, 11, 5); // an answer to an older round
    book.located(7, 11, 3);
    book.located(7, 11, 9); // a duplicate does not move the VM
    assertFalse(book.locationsSettled(START + TIMEOUT - 1), "VM 12 has not answered");
    assertTrue(book.locationsSettled(START + TIMEOUT), "the deadline settles it, across the wrap");
    assertEquals(3, book.hostOf(11));
    assertEquals(VmLocator.UNKNOWN, book.hostOf(12), "unanswered counts as unknown");
    assertEquals(2, book.hostOf(13));

    final List<Asked> asked = new ArrayList<>();
    final long now = START + TIMEOUT; // past Long.MAX_VALUE: negative
    assertTrue(now < 0);
    final int candidates =
        book.askCandidates(
            2, 1L << 30, (id, host, memory, a) -> asked.add(new Asked(id, host)), now, TIMEOUT);
    assertEquals(1, candidates, "host 2 is the VM's own; host 3 is the only candidate");
    assertEquals(List.of(new Asked(7, 3)), asked);
    assertFalse(book.capacitySettled(now + TIMEOUT - 1));
    assertEquals(0, book.freeSlots(3), "no answer yet: no room");
    book.capacity(7, 3, 2, 4L << 30);
    assertTrue(book.capacitySettled(now));
    assertEquals(2, book.freeSlots(3));
    assertEquals(4L << 30, book.freeMemoryBytes(3));
    assertEquals(0, book.freeSlots(4), "a host never asked has no room");
  }

  @Test
  void aVmThatRunsNowhereStaysUnknown() {
    final ProbeBook book = new ProbeBook();
    book.locate(
        1, THREE, (id, vm, answers) -> answers.located(id, vm, ProbeAnswers.NOWHERE), 0, 10);
    assertTrue(book.locationsSettled(0));
    assertEquals(VmLocator.UNKNOWN, book.hostOf(11));
    assertEquals(0, book.askCandidates(1, 1, (id, host, memory, a) -> {}, 0, 10));
  }

  @Test
  void theRackAwareRuleShouldAskEveryRackMateOfACandidateButTheVmsOwnHost() {
    // Fan-out 4,2: racks {0..3} and {4..7}. u runs on host 1; its neighbours on hosts 5 and 0.
    final Topology topology = Topology.fanout(4, 2);
    final ProbeBook book = new ProbeBook();
    book.locate(
        3,
        THREE,
        (id, vm, answers) -> answers.located(id, vm, vm == 11 ? 5 : vm == 12 ? 0 : 5),
        0,
        10);
    final List<Integer> asked = new ArrayList<>();
    final int count =
        book.askCandidates(1, 1L << 30, (id, host, memory, a) -> asked.add(host), 0, 10, topology);
    assertEquals(asked.size(), count);
    assertEquals(
        java.util.Set.of(5, 0, 4, 6, 7, 2, 3),
        java.util.Set.copyOf(asked),
        "the candidates 5 and 0, and their rack mates but u's own host 1");
    assertEquals(asked.size(), java.util.Set.copyOf(asked).size(), "each host asked once");
    book.capacity(3, 6, 1, 2L << 30);
    assertEquals(1, book.freeSlots(6), "a rack mate's answer counts");
  }
}
