package score.agent.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Requests become typed records; anything else is refused with a reason, never thrown. */
class ControlDispatcherTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(final String text) throws Exception {
    return JSON.readTree(text);
  }

  private final ControlDispatcher commands =
      new ControlDispatcher()
          .on(ControlRequest.Status.class, request -> "status")
          .on(ControlRequest.Inject.class, request -> request.policy() + "/" + request.force())
          .on(
              ControlRequest.Drain.class,
              request -> request.host() + "@" + request.deadlineSeconds());

  @Test
  void aKnownCommandShouldReachItsHandlerAsItsRecord() throws Exception {
    assertEquals("status", commands.apply(json("{\"command\":\"status\"}")));
    assertEquals(
        "global/true",
        commands.apply(json("{\"command\":\"inject\",\"policy\":\"global\",\"force\":true}")));
    assertEquals(
        "h1@90.0",
        commands.apply(json("{\"command\":\"drain\",\"host\":\"h1\",\"deadlineSeconds\":90}")));
  }

  @Test
  void anUnknownCommandShouldBeRefusedByName() throws Exception {
    assertEquals(
        new ControlAnswer.Refused("unknown command 'reboot'"),
        commands.apply(json("{\"command\":\"reboot\"}")));
    assertEquals(
        new ControlAnswer.Refused("unknown command ''"), commands.apply(json("{\"x\":1}")));
  }

  @Test
  void aMalformedRequestShouldSayWhatWasWrong() throws Exception {
    final Object answer =
        commands.apply(
            json("{\"command\":\"drain\",\"host\":\"h1\",\"deadlineSeconds\":\"soon\"}"));
    assertTrue(answer instanceof ControlAnswer.Refused, String.valueOf(answer));
    assertTrue(
        ((ControlAnswer.Refused) answer).error().startsWith("malformed 'drain' request: "),
        String.valueOf(answer));
    final Object extra = commands.apply(json("{\"command\":\"status\",\"all\":true}"));
    assertTrue(((ControlAnswer.Refused) extra).error().contains("all"), String.valueOf(extra));
  }

  @Test
  void aCommandNoPartAnswersShouldBeRefusedNotThrown() throws Exception {
    final Object answer = commands.apply(json("{\"command\":\"flows\"}"));
    assertEquals(
        new ControlAnswer.Refused("this agent does not answer 'flows' (it runs the ring only)"),
        answer);
  }
}
