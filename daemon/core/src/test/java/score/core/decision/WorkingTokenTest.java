package score.core.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import score.protocol.Token;
import score.protocol.TokenPolicy;

/** The token's VM list as hosts keep it: new VMs join, stopped ones leave, moved ones stay. */
class WorkingTokenTest {
  private static Token refresh(
      final Token token,
      final Set<Integer> local,
      final Set<Integer> atLastHold,
      final Set<Integer> movedAway,
      final int maxVms) {
    final WorkingToken working = WorkingToken.of(token);
    working.upkeep(local, atLastHold, movedAway, maxVms);
    return working.toToken();
  }

  private static Token nextRotation(final Token token) {
    final WorkingToken working = WorkingToken.of(token);
    working.nextRotation();
    return working.toToken();
  }

  private static List<Integer> ids(final Token token) {
    final List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < token.vmCount(); i++) {
      ids.add(token.vmId(i));
    }
    return ids;
  }

  private static Token token(final int position, final int... vms) {
    final byte[] levels = new byte[vms.length];
    for (int i = 0; i < vms.length; i++) {
      levels[i] = (byte) (vms[i] * 16);
    }
    return new Token(TokenPolicy.LOAD_AWARE, 3, 40, position, 1, vms, levels);
  }

  @Test
  void newVmsShouldJoinAtTheEndAndStoppedOnesLeave() {
    // Host ran 2 and 4 at its last hold; now it runs 4 and 9; it moved nothing away: 2 stopped.
    final Token refreshed =
        refresh(token(2, 1, 2, 3, 4), Set.of(4, 9), Set.of(2, 4), Set.of(), 100);
    assertEquals(List.of(1, 3, 4, 9), ids(refreshed));
    assertEquals(1, refreshed.position(), "still the turn of VM 3");
    assertEquals(3 * 16, refreshed.level(1), "entries keep their levels");
    assertEquals(0, refreshed.level(3), "a new VM starts at level 0");
    assertEquals(3, refreshed.epoch());
    assertEquals(40, refreshed.sequence());
  }

  @Test
  void aVmMovedAwayShouldKeepItsEntryAndDuplicatesGo() {
    final Token refreshed = refresh(token(0, 5, 6, 5), Set.of(), Set.of(5, 6), Set.of(5, 6), 100);
    assertEquals(List.of(5, 6), ids(refreshed));
  }

  @Test
  void theBoundShouldHoldAndAnEmptyTokenStayValid() {
    final Token full = refresh(token(0, 1, 2), Set.of(7, 8, 9), Set.of(), Set.of(), 3);
    assertEquals(List.of(1, 2, 7), ids(full));
    final Token empty = refresh(token(0, 1), Set.of(), Set.of(1), Set.of(), 3);
    assertEquals(List.of(), ids(empty));
    assertEquals(0, empty.position());
  }

  @Test
  void aNewRotationShouldFollowThePolicy() {
    final Token rotated = nextRotation(token(3, 1, 2, 3, 4));
    assertEquals(List.of(4, 3, 2, 1), ids(rotated), "load-aware: highest entry first");
    assertEquals(0, rotated.position());
    final Token roundRobin =
        nextRotation(new Token(TokenPolicy.ROUND_ROBIN, 1, 1, 1, 1, new int[] {9, 3, 5}, null));
    assertEquals(List.of(3, 5, 9), ids(roundRobin));
  }

  @Test
  void workedInPlaceItShouldListWhatARebuiltListListsThroughAddsStopsAndRotations() {
    // The in-place upkeep answers "is it listed" from an index; a reference list rebuilt from
    // scratch at every step must agree with it, whatever hosts add, stop and move.
    final java.util.Random random = new java.util.Random(7);
    for (final TokenPolicy policy : TokenPolicy.values()) {
      final WorkingToken working =
          WorkingToken.of(
              new Token(
                  policy, 1, 1, 0, 1, new int[0], policy.carriesLevels() ? new byte[0] : null));
      final java.util.Map<Integer, Set<Integer>> hostVms = new java.util.HashMap<>();
      for (int step = 0; step < 2_000; step++) {
        final int host = random.nextInt(5);
        final Set<Integer> before = hostVms.getOrDefault(host, Set.of());
        final Set<Integer> now = new java.util.HashSet<>(before);
        final Set<Integer> moved = new java.util.HashSet<>();
        if (!now.isEmpty() && random.nextInt(3) == 0) {
          final int vm = now.iterator().next();
          now.remove(vm);
          if (random.nextBoolean()) {
            moved.add(vm); // moved away: its entry stays
          }
        }
        if (random.nextInt(2) == 0) {
          now.add(1 + random.nextInt(300));
        }
        final Token expected = refresh(working.toToken(), now, before, moved, 250);
        working.upkeep(now, before, moved, 250);
        hostVms.put(host, Set.copyOf(now));
        assertEquals(ids(expected), ids(working.toToken()), policy + " step " + step);
        assertEquals(expected.position(), working.position(), policy + " step " + step);
        for (int vm = 0; vm <= 300; vm++) {
          assertEquals(ids(expected).contains(vm), working.lists(vm), "vm " + vm);
        }
        if (working.vmCount() > 0 && random.nextInt(4) == 0) {
          working.setEntry(working.position(), (byte) random.nextInt(256));
          working.setPosition(random.nextInt(working.vmCount()));
        }
        if (random.nextInt(10) == 0) {
          final Token rotated = nextRotation(working.toToken());
          working.nextRotation();
          assertEquals(ids(rotated), ids(working.toToken()));
        }
      }
    }
  }
}
