package score.agent.net;

/** Why the agent closed or refused a connection. Each is counted; none ends the agent. */
public enum ConnectionRefusal {
  /** The connection comes from an address that no host in the cluster configuration has. */
  UNKNOWN_ADDRESS,
  /** Too many connections from one address that have not yet delivered an authenticated frame. */
  TOO_MANY_FROM_ADDRESS,
  /** Too many connections in all that have not yet delivered an authenticated frame. */
  TOO_MANY_CONNECTIONS,
  /** No authenticated frame within the handshake time. */
  NOT_AUTHENTICATED_IN_TIME,
  /** Silent past the read timeout (peers send heartbeats far more often). */
  IDLE,
  /**
   * A frame's sender id is not a member, is another host than the connection's first frame named,
   * or is a host whose configured address is not the connection's.
   */
  FORGED_SENDER
}
