package score.core.plan;

import java.util.List;

/**
 * VMs leaving one host for one destination together, with the traffic that is not theirs: outgoing
 * background traffic at the source and incoming background traffic at the destination.
 */
public record Evacuation(
    List<EvacuatingVm> vms, BitRate backgroundSource, BitRate backgroundDestination) {
  public Evacuation {
    vms = List.copyOf(vms);
  }
}
