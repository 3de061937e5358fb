package score.agent.ovs;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The OpenFlow rules that make this host answer location probes for its VMs (S-CORE section III-F:
 * a location request is addressed to the VM's own IP, and the host that runs the VM answers for it;
 * S-CORE redirects with NAT in dom0). One rule per local VM in table 0: a UDP datagram to the VM's
 * address and the agents' port gets this host's MAC and address as destination and goes to the
 * bridge's LOCAL port, where the agent listens; Linux accepts it whatever interface holds the
 * host's address. The rules sit above the counting pipeline and match nothing but probes, so the
 * VMs' own traffic is forwarded and counted as before.
 *
 * <p>Rules are added when a VM appears or arrives and removed when it leaves ({@link #sync}); all
 * carry {@link #STEER_COOKIE}, so {@link #clear} removes exactly them.
 */
public final class LocationSteering {
  /** Cookie of every steering rule. */
  public static final long STEER_COOKIE = CountingPipeline.COOKIE_PREFIX | 4;

  /** Above the counting pipeline's entry rules. */
  public static final int PRIORITY = 200;

  private final OvsSwitch ovs;
  private final String bridge;
  private final int probePort;
  private final String hostMac;
  private final int hostIpv4;
  private final Set<Integer> steered = new HashSet<>();

  /**
   * @param probePort the UDP port location probes are sent to (the agents' port)
   * @param hostMac the MAC of the bridge's LOCAL port (aa:bb:cc:dd:ee:ff)
   * @param hostIpv4 this host's address, where the agent listens
   */
  public LocationSteering(
      final OvsSwitch ovs,
      final String bridge,
      final int probePort,
      final String hostMac,
      final int hostIpv4) {
    if (probePort < 1 || probePort > 65535) {
      throw new IllegalArgumentException("probe port must be 1..65535: " + probePort);
    }
    if (!hostMac.matches("[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}")) {
      throw new IllegalArgumentException("not a MAC address: " + hostMac);
    }
    this.ovs = ovs;
    this.bridge = bridge;
    this.probePort = probePort;
    this.hostMac = hostMac.toLowerCase(java.util.Locale.ROOT);
    this.hostIpv4 = hostIpv4;
  }

  /** The rule that steers probes for {@code vmIpv4}, in {@code ovs-ofctl add-flows} syntax. */
  public String rule(final int vmIpv4) {
    return "table=0,priority="
        + PRIORITY
        + ",cookie=0x"
        + Long.toHexString(STEER_COOKIE)
        + ","
        + match(vmIpv4)
        + ",actions=mod_dl_dst:"
        + hostMac
        + ",mod_nw_dst:"
        + score.flowtable.Ipv4.format(hostIpv4)
        + ",LOCAL";
  }

  private String match(final int vmIpv4) {
    return "udp,nw_dst=" + score.flowtable.Ipv4.format(vmIpv4) + ",tp_dst=" + probePort;
  }

  /** Makes the steered VMs exactly {@code localVms}: adds the new ones, removes the gone ones. */
  public void sync(final Set<Integer> localVms) throws OvsException {
    final List<String> add = new ArrayList<>();
    for (final int vm : localVms) {
      if (!steered.contains(vm)) {
        add.add(rule(vm));
      }
    }
    if (!add.isEmpty()) {
      ovs.addFlows(bridge, add);
      for (final int vm : localVms) {
        steered.add(vm);
      }
    }
    for (final int vm : new ArrayList<>(steered)) {
      if (!localVms.contains(vm)) {
        ovs.deleteFlows(
            bridge, "table=0,cookie=0x" + Long.toHexString(STEER_COOKIE) + "/-1," + match(vm));
        steered.remove(vm);
      }
    }
  }

  /** The VMs whose probes are steered here now. */
  public Set<Integer> steered() {
    return Set.copyOf(steered);
  }

  /** Removes every steering rule of the agent from the bridge (also ones of an earlier run). */
  public void clear() throws OvsException {
    ovs.deleteFlows(bridge, "cookie=0x" + Long.toHexString(STEER_COOKIE) + "/-1");
    steered.clear();
  }
}
