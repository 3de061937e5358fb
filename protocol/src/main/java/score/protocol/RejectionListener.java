package score.protocol;

import java.net.SocketAddress;

/** Told of every refused frame; must not throw. */
@FunctionalInterface
public interface RejectionListener {
  void rejected(Rejection reason, String detail, SocketAddress remote);
}
