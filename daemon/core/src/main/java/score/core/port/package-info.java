/**
 * The ports: the small interfaces through which the core sees the outside. Each is implemented by
 * an adapter in the agent (flow table, Netty probes, libvirt, OpenFlow meters) and by the simulator
 * from its model, as ONOS's providers and null providers implement one provider interface.
 *
 * <p>Anything that is a network round trip in the agent is asynchronous here: the core asks,
 * carries on, and is told the answer later through a callback interface it implements ({@link
 * ProbeAnswers}); the simulator calls back at once, from inside the request. Time never comes from
 * a port: the core's logic takes {@code nowNanos} and compares deadlines by subtraction ({@link
 * Deadlines}).
 */
package score.core.port;
