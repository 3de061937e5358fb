package score.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** The {@code --json} option every printing command mixes in, and the one way JSON is written. */
public final class JsonOption {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  public boolean enabled() {
    return json;
  }

  /** Writes {@code output} (a record made for output) as one line of JSON. */
  public static void print(final PrintWriter out, final Object output) {
    try {
      out.println(MAPPER.writeValueAsString(output));
      out.flush();
    } catch (final com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON for " + output.getClass(), e);
    }
  }
}
