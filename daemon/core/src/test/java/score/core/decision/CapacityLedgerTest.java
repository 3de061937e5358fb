package score.core.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Capacity answers are promises: two holders cannot both count on one slot. */
class CapacityLedgerTest {
  private static final long GIB = 1L << 30;
  private static final long SECOND = 1_000_000_000L;
  private static final long START = Long.MAX_VALUE - SECOND; // promises expire past the wrap

  @Test
  void twoHoldersAskingAtOnceShouldNotBothGetTheLastSlot() {
    final CapacityLedger ledger = new CapacityLedger(5 * SECOND, 16);
    assertEquals(
        new CapacityLedger.Answer(1, 4 * GIB), ledger.answer(1, 7, GIB, 1, 4 * GIB, START));
    assertEquals(
        new CapacityLedger.Answer(0, 3 * GIB), ledger.answer(2, 9, GIB, 1, 4 * GIB, START));
    // The first asks again (its own promise is not held against it).
    assertEquals(
        new CapacityLedger.Answer(1, 4 * GIB), ledger.answer(1, 7, GIB, 1, 4 * GIB, START + 1));
    assertEquals(1, ledger.outstanding(START + 1));
    // Once the promise expires the second gets the slot.
    assertEquals(
        new CapacityLedger.Answer(1, 4 * GIB),
        ledger.answer(2, 9, GIB, 1, 4 * GIB, START + 1 + 5 * SECOND));
  }

  @Test
  void anArrivalOrAReleaseShouldEndThePromise() {
    final CapacityLedger ledger = new CapacityLedger(5 * SECOND, 16);
    ledger.answer(1, 7, GIB, 2, 2 * GIB, START);
    assertEquals(
        new CapacityLedger.Answer(1, GIB), ledger.answer(2, 9, 2 * GIB, 2, 2 * GIB, START));
    ledger.settle(1, 7);
    assertEquals(0, ledger.outstanding(START));
    assertEquals(
        new CapacityLedger.Answer(2, 2 * GIB), ledger.answer(2, 9, 2 * GIB, 2, 2 * GIB, START));
    ledger.settle(3, 1); // unknown: nothing happens
    assertEquals(1, ledger.outstanding(START));
  }

  @Test
  void aHoldersNewerProbeShouldReplaceItsOlderPromise() {
    // One token, one VM decided at a time: a host that keeps asking cannot fill the candidate.
    final CapacityLedger ledger = new CapacityLedger(60 * SECOND, 16);
    for (long request = 1; request <= 10; request++) {
      assertEquals(
          new CapacityLedger.Answer(2, 2 * GIB),
          ledger.answer(1, request, GIB, 2, 2 * GIB, START + request));
    }
    assertEquals(1, ledger.outstanding(START + 11));
    assertEquals(
        new CapacityLedger.Answer(1, GIB), ledger.answer(2, 1, GIB, 2, 2 * GIB, START + 12));
  }

  @Test
  void askersBeyondTheBoundShouldBeToldNoRoom() {
    final CapacityLedger ledger = new CapacityLedger(5 * SECOND, 2);
    ledger.answer(1, 1, 1, 100, 100 * GIB, START);
    ledger.answer(2, 1, 1, 100, 100 * GIB, START);
    assertEquals(new CapacityLedger.Answer(0, 0), ledger.answer(3, 1, 1, 100, 100 * GIB, START));
    assertEquals(2, ledger.outstanding(START));
  }

  @Property
  void promisesShouldNeverExceedWhatIsFree(
      @ForAll @IntRange(min = 0, max = 8) final int freeSlots,
      @ForAll @IntRange(min = 1, max = 40) final int askers) {
    final CapacityLedger ledger = new CapacityLedger(5 * SECOND, 64);
    int granted = 0;
    for (int asker = 0; asker < askers; asker++) {
      final CapacityLedger.Answer answer =
          ledger.answer(asker, asker, GIB, freeSlots, 64 * GIB, START);
      if (answer.freeSlots() >= 1 && answer.freeMemoryBytes() >= GIB) {
        granted++;
      }
    }
    assertEquals(Math.min(freeSlots, askers), granted);
    assertEquals(granted, ledger.outstanding(START));
  }
}
