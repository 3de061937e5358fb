package score.core.decision;

/**
 * VM u's traffic as the host holding the token sees it: every neighbour z with λ(z, u) in bytes per
 * second, both directions merged (the agent reads it from the flow table, the simulator from its
 * traffic matrix).
 */
public interface NeighbourTraffic {
  int count();

  /** The neighbour's VM id. */
  int vm(int index);

  /** λ(z, u), bytes per second on the wire, both directions. */
  double bytesPerSecond(int index);
}
