package score.core.plan;

/**
 * When a running pre-copy migration that may use post-copy should switch to it: once the first full
 * copy is done (so post-copy fetches only what was dirtied since, as libvirt advises), and either
 * the plan said pre-copy cannot converge, or what remains at the migration's bandwidth would end
 * after the deadline.
 */
public final class PostCopySwitch {
  private PostCopySwitch() {}

  /**
   * @param iteration the pre-copy round libvirt reports (1 during the first full copy)
   * @param remainingBytes what is still to send in this round
   * @param bytesPerSecond the migration's bandwidth now (re-planning may have changed the plan's)
   * @param observedDirtyBytesPerSecond the dirty rate the hypervisor measured in the last round (0
   *     when it does not know yet)
   */
  public static boolean due(
      final MigrationPlan plan,
      final long iteration,
      final double elapsedSeconds,
      final long remainingBytes,
      final double bytesPerSecond,
      final double observedDirtyBytesPerSecond,
      final double deadlineSeconds) {
    if (iteration < 2) {
      return false;
    }
    if (plan.postCopyAfterFirstRound() || observedDirtyBytesPerSecond >= bytesPerSecond) {
      return true;
    }
    return elapsedSeconds + remainingBytes / bytesPerSecond > deadlineSeconds;
  }
}
