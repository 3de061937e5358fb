package score.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads a control request into its {@link ControlRequest} record and hands it to the handler
 * registered for its type; a request no handler takes (a ring-only agent has no host commands), an
 * unknown command or a malformed one is answered with {@link ControlAnswer.Refused}, never thrown.
 */
public final class ControlDispatcher implements Function<JsonNode, Object> {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One command's handler: returns an object Jackson can write. */
  @FunctionalInterface
  public interface Handler<R extends ControlRequest> {
    Object answer(R request);
  }

  private final Map<Class<? extends ControlRequest>, Handler<?>> handlers = new LinkedHashMap<>();

  /** Registers {@code handler} for requests of {@code type} (the last registration wins). */
  public <R extends ControlRequest> ControlDispatcher on(
      final Class<R> type, final Handler<R> handler) {
    handlers.put(type, handler);
    return this;
  }

  @Override
  public Object apply(final JsonNode json) {
    final ControlRequest request;
    try {
      request = JSON.treeToValue(json, ControlRequest.class);
    } catch (final InvalidTypeIdException e) {
      return new ControlAnswer.Refused("unknown command '" + json.path("command").asText("") + "'");
    } catch (final com.fasterxml.jackson.core.JsonProcessingException
        | IllegalArgumentException e) {
      return new ControlAnswer.Refused(
          "malformed '" + json.path("command").asText("") + "' request: " + firstLine(e));
    }
    return answer(request);
  }

  /** Answers a request already read. */
  public Object answer(final ControlRequest request) {
    @SuppressWarnings("unchecked")
    final Handler<ControlRequest> handler =
        (Handler<ControlRequest>) handlers.get(request.getClass());
    if (handler == null) {
      return new ControlAnswer.Refused(
          "this agent does not answer '"
              + request.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT)
              + "' (it runs the ring only)");
    }
    return handler.answer(request);
  }

  private static String firstLine(final Exception e) {
    final String message = String.valueOf(e.getMessage());
    final int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
