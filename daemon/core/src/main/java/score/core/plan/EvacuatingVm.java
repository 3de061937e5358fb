package score.core.plan;

/** A VM leaving the source host, with its own application traffic rates. */
public record EvacuatingVm(String name, BitRate transmit, BitRate receive) {}
