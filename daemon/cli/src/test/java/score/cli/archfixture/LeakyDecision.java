package score.cli.archfixture;

/**
 * A class that breaks the core's rule on purpose (a fully qualified Netty type, no import), for
 * ArchitectureTest to prove that its check catches it.
 */
public final class LeakyDecision {
  private LeakyDecision() {}

  /** Allocates a Netty buffer: what a core class must never do. */
  public static int capacity() {
    final io.netty.buffer.ByteBuf buffer = io.netty.buffer.Unpooled.buffer(8);
    try {
      return buffer.capacity();
    } finally {
      buffer.release();
    }
  }
}
