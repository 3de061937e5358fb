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
  private static final Pattern MAC =
      Pattern.compile("<mac\\s+address=['\"]([0-9A-Fa-f:]{17})['\"]");

  /** One running VM as libvirt reports it. */
  public record Vm(String name, String uuid, List<String> macs, long memoryBytes, int vcpus) {
    public Vm {
      macs = List.copyOf(macs);
    }
  }

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
    final List<String> macs = new ArrayList<>();
    final Matcher matcher = MAC.matcher(xml);
    while (matcher.find()) {
      macs.add(matcher.group(1).toLowerCase(java.util.Locale.ROOT));
    }
    if (info.nrVirtCpu < 1 || info.memory < 0) {
      throw new HypervisorException(
          HypervisorException.Kind.BAD_OUTPUT,
          "libvirt at " + uri + " describes VM " + domain.getName() + " as " + info,
          null);
    }
    return new Vm(
        domain.getName(), domain.getUUIDString(), macs, info.memory * 1024, info.nrVirtCpu);
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
