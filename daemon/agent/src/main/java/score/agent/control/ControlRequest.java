package score.agent.control;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What a client asks the agent on its control socket: one JSON object whose {@code command} names
 * the request (the shapes the CLI documents). Read by Jackson into one of these records; anything
 * else is refused with a {@link ControlAnswer.Refused} that says what was wrong.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "command")
@JsonSubTypes({
  @JsonSubTypes.Type(value = ControlRequest.Status.class, name = "status"),
  @JsonSubTypes.Type(value = ControlRequest.Inject.class, name = "inject"),
  @JsonSubTypes.Type(value = ControlRequest.Flows.class, name = "flows"),
  @JsonSubTypes.Type(value = ControlRequest.Plan.class, name = "plan"),
  @JsonSubTypes.Type(value = ControlRequest.Drain.class, name = "drain"),
  @JsonSubTypes.Type(value = ControlRequest.DrainStatus.class, name = "drain-status"),
  @JsonSubTypes.Type(value = ControlRequest.Pause.class, name = "pause"),
  @JsonSubTypes.Type(value = ControlRequest.Resume.class, name = "resume")
})
public sealed interface ControlRequest {
  /** {@code score status}, {@code score token inspect}: the ring's view. */
  record Status() implements ControlRequest {}

  /** {@code score token inject --policy NAME [--force]}. */
  record Inject(String policy, boolean force) implements ControlRequest {}

  /** {@code score flows}: the agent's flow table. */
  record Flows() implements ControlRequest {}

  /** {@code score plan --vm NAME --to HOST}: what the holder would weigh, and the migration. */
  record Plan(String vm, String to) implements ControlRequest {}

  /** {@code score drain HOST --deadline D}: empty this host. */
  record Drain(String host, double deadlineSeconds) implements ControlRequest {}

  /** How the running (or last) drain goes. */
  record DrainStatus() implements ControlRequest {}

  /** {@code score pause}: no automatic migration starts here. */
  record Pause() implements ControlRequest {}

  /** {@code score resume}. */
  record Resume() implements ControlRequest {}
}
