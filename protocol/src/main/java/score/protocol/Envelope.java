package score.protocol;

import java.util.Objects;

/**
 * A message with the frame header fields that travel with it.
 *
 * @param sender host id of the sending agent
 * @param epoch the sender's cluster epoch: the highest token epoch it has seen
 */
public record Envelope(int sender, long epoch, Message message) {
  public Envelope {
    Objects.requireNonNull(message);
  }
}
