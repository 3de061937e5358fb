package score.core.ring;

import score.protocol.Message;

/** Where the ring's messages go: the network in the agent, a simulated one in tests. */
@FunctionalInterface
public interface Outbox {
  void send(int hostId, Message message);
}
