package score.agent.ovs;

/** Prints the default counting pipeline's rules in {@code ovs-ofctl add-flows} syntax. */
public final class PrintPipeline {
  private PrintPipeline() {}

  public static void main(final String[] args) {
    for (final String rule : CountingPipeline.defaults().rules()) {
      System.out.println(rule);
    }
  }
}
