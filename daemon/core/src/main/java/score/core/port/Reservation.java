package score.core.port;

/**
 * Bandwidth for a migration's stream on the switches of its path (VMPatrol: a queue with min = max
 * = the planned rate). OpenFlow meters in the agent; nothing to do in the simulator.
 */
public interface Reservation {
  /** Reserves {@code bytesPerSecond} from this host to {@code destinationHostId}; returns an id. */
  long reserve(int destinationHostId, long bytesPerSecond);

  /** Releases what {@link #reserve} took; also after a failed migration. */
  void release(long reservationId);
}
