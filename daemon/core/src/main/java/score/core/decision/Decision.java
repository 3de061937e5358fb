package score.core.decision;

/**
 * The outcome of one token visit for one VM.
 *
 * @param toHost the chosen host, or {@link #STAY}
 * @param costBefore C(u) before the move: Σ λ(z, u)·(c_1 + … + c_ℓ)
 * @param gain the left side of eq. 2 for the chosen host (0 when staying)
 * @param candidates candidate hosts considered (each a capacity probe in the agent)
 * @param tokenEntry the VM's token entry after the decision ({@link TokenEntry})
 */
public record Decision(
    int vm,
    int fromHost,
    int toHost,
    double costBefore,
    double gain,
    int candidates,
    byte tokenEntry) {
  public static final int STAY = -1;

  public boolean migrates() {
    return toHost != STAY;
  }
}
