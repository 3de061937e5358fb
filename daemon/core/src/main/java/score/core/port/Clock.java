package score.core.port;

/**
 * Monotonic time for the adapters that drive the core: {@link System#nanoTime()} in the agent, a
 * model clock in the simulator and tests. The core's logic never reads it: it is given {@code
 * nowNanos}.
 */
@FunctionalInterface
public interface Clock {
  long nanoTime();

  Clock SYSTEM = System::nanoTime;
}
