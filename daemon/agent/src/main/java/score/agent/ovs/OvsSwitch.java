package score.agent.ovs;

import java.util.List;

/**
 * What the flow poller needs from Open vSwitch. {@link OvsCommandLine} is the real one; tests of
 * pure logic may supply their own.
 */
public interface OvsSwitch {
  /** Output of a flow dump in a buffer the switch adapter owns and reuses on the next call. */
  record Dump(byte[] bytes, int length) {}

  /** {@code ovs-ofctl dump-flows BRIDGE}: every flow of every table, with statistics. */
  Dump dumpFlows(String bridge) throws OvsException;

  /** {@code ovs-ofctl add-flows BRIDGE -}: adds or replaces the given flows. */
  void addFlows(String bridge, List<String> flows) throws OvsException;

  /** {@code ovs-ofctl del-flows BRIDGE MATCH}. */
  void deleteFlows(String bridge, String match) throws OvsException;

  /** Process id of the running ovs-vswitchd, or 0 when it cannot be told. */
  long vswitchdPid();
}
