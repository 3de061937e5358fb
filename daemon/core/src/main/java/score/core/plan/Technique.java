package score.core.plan;

import java.util.Locale;

/** How one VM moves. */
public enum Technique {
  /** Runs on the source until switchover: its traffic stays on the source host's NIC. */
  PRE_COPY,
  /** Runs on the destination from the start: its traffic moves to the destination's NIC. */
  POST_COPY;

  /** {@code pre-copy} or {@code post-copy}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
