package score.protocol;

/** The order in which the token visits VMs (S-CORE section II, token policies). */
public enum TokenPolicy {
  /** Ascending VM id. */
  ROUND_ROBIN(0, false),
  /**
   * Highest pairwise cost reduction first: each VM's entry byte is its highest cost with one
   * neighbour, written by its holder at its visit and carried to the host that orders the next
   * rotation (the paper computes it centrally; the token carries what a central node would know).
   */
  GLOBAL(1, true),
  /** Highest communication level first. */
  DISTRIBUTED(2, true),
  /** Highest level, then highest aggregate load. */
  LOAD_AWARE(3, true);

  private final int code;
  private final boolean carriesLevels;

  TokenPolicy(final int code, final boolean carriesLevels) {
    this.code = code;
    this.carriesLevels = carriesLevels;
  }

  public int code() {
    return code;
  }

  /** Whether each VM entry carries its 8-bit level byte after the 32-bit id. */
  public boolean carriesLevels() {
    return carriesLevels;
  }

  /** Bytes per VM entry in the packed token. */
  public int entryBytes() {
    return carriesLevels ? 5 : 4;
  }

  /** The policy with wire code {@code code}, or null. */
  public static TokenPolicy ofCode(final int code) {
    for (final TokenPolicy policy : values()) {
      if (policy.code == code) {
        return policy;
      }
    }
    return null;
  }
}
