package score.core.plan;

import java.util.List;

/**
 * A technique per VM and the contention it causes (Deshpande and Keahey): at the source the
 * migration streams leave the NIC, competing with the outgoing (tx) traffic of the VMs still
 * running there, the pre-copied ones; at the destination they arrive, competing with the incoming
 * (rx) traffic of the post-copied VMs, which run there from the start. Contention = max(source,
 * destination), background included.
 *
 * @param errorBoundBitsPerSecond how far above the optimum the contention may be (0: optimal)
 */
public record TechniqueChoice(
    List<Technique> techniques,
    long sourceBitsPerSecond,
    long destinationBitsPerSecond,
    long errorBoundBitsPerSecond,
    String method) {

  public TechniqueChoice {
    techniques = List.copyOf(techniques);
  }

  public long contentionBitsPerSecond() {
    return Math.max(sourceBitsPerSecond, destinationBitsPerSecond);
  }
}
