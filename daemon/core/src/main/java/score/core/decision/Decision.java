package score.core.decision;

/**
 * The outcome of one token visit for one VM.
 *
 * @param toHost the chosen host, or {@link #STAY}
 * @param costBefore C(u) before the move: Σ λ(z, u)·(c_1 + … + c_ℓ)
 * @param gain the left side of eq. 2 for the chosen host (0 when staying)
 * @param candidates candidate hosts considered (each a capacity probe in the agent)
 * @param tokenEntry the VM's token entry after the decision for the distributed and load-aware
 *     policies ({@link TokenEntry#pack})
 * @param pairCostEntry its entry for the global policy: its highest pairwise cost after the
 *     decision ({@link TokenEntry#packPairCost})
 */
public record Decision(
    int vm,
    int fromHost,
    int toHost,
    double costBefore,
    double gain,
    int candidates,
    byte tokenEntry,
    byte pairCostEntry) {
  public static final int STAY = -1;

  /** The entry the token carries for this VM under {@code policy}. */
  public byte entryFor(final score.protocol.TokenPolicy policy) {
    return TokenEntry.forPolicy(policy, tokenEntry, pairCostEntry);
  }

  public boolean migrates() {
    return toHost != STAY;
  }
}
