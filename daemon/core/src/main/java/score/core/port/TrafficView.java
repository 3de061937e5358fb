package score.core.port;

import score.core.decision.NeighbourTraffic;

/**
 * What the host holding the token knows of a VM's traffic: λ(z, u) for each neighbour z (S-CORE
 * section III-C). The agent reads its flow table; the simulator its traffic matrix.
 */
@FunctionalInterface
public interface TrafficView {
  /**
   * The neighbours of {@code vmId} with their rates. The view may be reused by the next call: read
   * it before asking again.
   */
  NeighbourTraffic neighboursOf(int vmId);
}
