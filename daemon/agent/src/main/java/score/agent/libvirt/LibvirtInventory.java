package score.agent.libvirt;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.LibvirtException;

/**
 * What runs on this host, read from its libvirtd: each running VM's name, UUID, MAC addresses,
 * memory and vCPUs, and the host's free memory. Every call has its own timeout ({@link
 * LibvirtCalls}).
 */
public final class LibvirtInventory implements AutoCloseable {
  private static final Pattern INTERFACE =
      Pattern.compile("<interface\\b.*?</interface>", Pattern.DOTALL);
  private static final Pattern MAC =
      Pattern.compile("<mac\\s+address=['\"]([0-9A-Fa-f:]{17})['\"]");
  private static final Pattern TARGET = Pattern.compile("<target\\s+dev=['\"]([^'\"]{1,64})['\"]");

  /** libvirt's VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_ARP: the host's ARP table. */
  private static final int ADDRESSES_FROM_ARP = 2;

  /** One network interface of a VM: its MAC and the host-side device (vnet0), if running. */
  public record Nic(String mac, String device) {}

  /** One running VM as libvirt reports it. */
  public record Vm(String name, String uuid, List<Nic> nics, long memoryBytes, int vcpus) {
    public Vm {
      nics = List.copyOf(nics);
    }

    public List<String> macs() {
      return nics.stream().map(Nic::mac).toList();
    }
  }

  /** Bytes the VM's interfaces sent and received so far, from the VM's side. */
  public record TrafficCounters(long txBytes, long rxBytes) {}

  private final String uri;
  private final Duration callTimeout;
  private final LibvirtCalls calls;
  private final Connect connection;

  private LibvirtInventory(
      final String uri,
      final Duration callTimeout,
      final LibvirtCalls calls,
      final Connect connect) {
    this.uri = uri;
    this.callTimeout = callTimeout;
    this.calls = calls;
    this.connection = connect;
  }

  /**
   * Connects to the libvirtd at {@code uri}.
   *
   * @throws HypervisorException NOT_RUNNING when no libvirtd answers there
   */
  public static LibvirtInventory connect(
      final String uri, final Duration callTimeout, final LibvirtCalls calls)
      throws HypervisorException {
    Objects.requireNonNull(uri);
    final Connect connect =
        calls.run("connect to libvirt at " + uri, callTimeout, () -> new Connect(uri));
    return new LibvirtInventory(uri, callTimeout, calls, connect);
  }

  /** The VMs running now. */
  public List<Vm> runningVms() throws HypervisorException {
    return calls.run(
        "list the running VMs of " + uri,
        callTimeout,
        () -> {
          final List<Vm> vms = new ArrayList<>();
          for (final int id : connection.listDomains()) {
            final Domain domain;
            try {
              domain = connection.domainLookupByID(id);
            } catch (final LibvirtException gone) {
              // It stopped between the listing and the lookup: it no longer runs here.
              continue;
            }
            vms.add(describe(domain));
          }
          return vms;
        });
  }

  private Vm describe(final Domain domain) throws LibvirtException, HypervisorException {
    final DomainInfo info = domain.getInfo();
    final String xml = domain.getXMLDesc(0);
    final List<Nic> nics = new ArrayList<>();
    final Matcher interfaces = INTERFACE.matcher(xml);
    while (interfaces.find()) {
      final Matcher mac = MAC.matcher(interfaces.group());
      if (!mac.find()) {
        continue;
      }
      final Matcher target = TARGET.matcher(interfaces.group());
      nics.add(
          new Nic(
              mac.group(1).toLowerCase(java.util.Locale.ROOT),
              target.find() ? target.group(1) : ""));
    }
    if (info.nrVirtCpu < 1 || info.memory < 0) {
      throw new HypervisorException(
          HypervisorException.Kind.BAD_OUTPUT,
          "libvirt at " + uri + " describes VM " + domain.getName() + " as " + info,
          null);
    }
    return new Vm(
        domain.getName(), domain.getUUIDString(), nics, info.memory * 1024, info.nrVirtCpu);
  }

  /**
   * The VM's traffic so far, summed over its interfaces (libvirt's interface statistics, from the
   * VM's side: tx is what the VM sent).
   */
  public TrafficCounters traffic(final Vm vm) throws HypervisorException {
    return calls.run(
        "read the interface statistics of " + vm.name(),
        callTimeout,
        () -> {
          final Domain domain = connection.domainLookupByName(vm.name());
          long tx = 0;
          long rx = 0;
          for (final Nic nic : vm.nics()) {
            if (nic.device().isEmpty()) {
              continue;
            }
            final org.libvirt.DomainInterfaceStats stats = domain.interfaceStats(nic.device());
            if (stats.tx_bytes < 0 || stats.rx_bytes < 0) {
              throw new HypervisorException(
                  HypervisorException.Kind.BAD_OUTPUT,
                  "libvirt at " + uri + " reports negative byte counts for " + nic.device(),
                  null);
            }
            tx += stats.tx_bytes;
            rx += stats.rx_bytes;
          }
          return new TrafficCounters(tx, rx);
        });
  }

  /**
   * The IPv4 addresses of the VM's MACs that the host has seen (its ARP table). S-CORE learns a
   * VM's address from the flow table; this is the cross-check.
   */
  public java.util.Map<String, String> ipv4ByMac(final Vm vm) throws HypervisorException {
    return calls.run(
        "read the addresses of " + vm.name(),
        callTimeout,
        () -> {
          final java.util.Map<String, String> addresses = new java.util.HashMap<>();
          for (final org.libvirt.DomainInterface nic :
              connection.domainLookupByName(vm.name()).interfaceAddresses(ADDRESSES_FROM_ARP, 0)) {
            if (nic.hwAddr == null || nic.addrs == null) {
              continue;
            }
            for (final org.libvirt.DomainInterface.InterfaceAddress address : nic.addrs) {
              if (address.address instanceof java.net.Inet4Address) {
                addresses.put(
                    nic.hwAddr.toLowerCase(java.util.Locale.ROOT),
                    address.address.getHostAddress());
              }
            }
          }
          return addresses;
        });
  }

  /** Free memory of the host, in bytes. */
  public long freeMemoryBytes() throws HypervisorException {
    return calls.run("read the free memory of " + uri, callTimeout, connection::getFreeMemory);
  }

  @Override
  public void close() {
    try {
      calls.run("close the connection to " + uri, callTimeout, connection::close);
    } catch (final HypervisorException e) {
      System.getLogger(LibvirtInventory.class.getName())
          .log(System.Logger.Level.WARNING, e.getMessage());
    }
  }
}
