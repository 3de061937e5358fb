package score.core.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import score.protocol.Token;
import score.protocol.TokenPolicy;

/** The token's VM list as hosts keep it: new VMs join, stopped ones leave, moved ones stay. */
class TokenRosterTest {
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
        TokenRoster.refresh(token(2, 1, 2, 3, 4), Set.of(4, 9), Set.of(2, 4), Set.of(), 100);
    assertEquals(List.of(1, 3, 4, 9), ids(refreshed));
    assertEquals(1, refreshed.position(), "still the turn of VM 3");
    assertEquals(3 * 16, refreshed.level(1), "entries keep their levels");
    assertEquals(0, refreshed.level(3), "a new VM starts at level 0");
    assertEquals(3, refreshed.epoch());
    assertEquals(40, refreshed.sequence());
  }

  @Test
  void aVmMovedAwayShouldKeepItsEntryAndDuplicatesGo() {
    final Token refreshed =
        TokenRoster.refresh(token(0, 5, 6, 5), Set.of(), Set.of(5, 6), Set.of(5, 6), 100);
    assertEquals(List.of(5, 6), ids(refreshed));
  }

  @Test
  void theBoundShouldHoldAndAnEmptyTokenStayValid() {
    final Token full = TokenRoster.refresh(token(0, 1, 2), Set.of(7, 8, 9), Set.of(), Set.of(), 3);
    assertEquals(List.of(1, 2, 7), ids(full));
    final Token empty = TokenRoster.refresh(token(0, 1), Set.of(), Set.of(1), Set.of(), 3);
    assertEquals(List.of(), ids(empty));
    assertEquals(0, empty.position());
  }

  @Test
  void aNewRotationShouldFollowThePolicy() {
    final Token rotated = TokenRoster.nextRotation(token(3, 1, 2, 3, 4));
    assertEquals(List.of(4, 3, 2, 1), ids(rotated), "load-aware: highest entry first");
    assertEquals(0, rotated.position());
    final Token roundRobin =
        TokenRoster.nextRotation(
            new Token(TokenPolicy.ROUND_ROBIN, 1, 1, 1, 1, new int[] {9, 3, 5}, null));
    assertEquals(List.of(3, 5, 9), ids(roundRobin));
  }
}
