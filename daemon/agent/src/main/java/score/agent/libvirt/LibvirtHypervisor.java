package score.agent.libvirt;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.event.LifecycleListener;
import score.agent.config.ClusterConfig;
import score.core.port.Hypervisor;

/**
 * The core's {@link Hypervisor} port on this host's libvirtd. A background refresh keeps a snapshot
 * of the running VMs (with their addresses from the host's ARP table and their traffic rates from
 * interface statistics) and of the room left, so {@link #vms()} and {@link #room()} never block;
 * libvirt's lifecycle events (a VM started, stopped, migrated in or out) refresh it at once.
 * Migrations run on their own thread through {@link LibvirtMigrator} and report to the listener on
 * the executor the caller gave.
 */
public final class LibvirtHypervisor implements Hypervisor, AutoCloseable {
  /** Tuning of the adapter. */
  public record Settings(
      int vmSlots,
      Duration refreshPeriod,
      Duration callTimeout,
      Duration progressPeriod,
      Duration progressTimeout,
      Duration completionTimeout) {
    public Settings {
      if (vmSlots < 0) {
        throw new IllegalArgumentException("VM slots cannot be negative");
      }
    }
  }

  private record Snapshot(List<Vm> vms, Room room) {}

  private record Reading(long atNanos, LibvirtInventory.TrafficCounters counters) {}

  private static final System.Logger LOG = System.getLogger(LibvirtHypervisor.class.getName());

  private final ClusterConfig cluster;
  private final ClusterConfig.Hypervisor self;
  private final LibvirtCalls calls;
  private final Settings settings;
  private final java.util.function.Supplier<String> arpTable;
  private final ScheduledExecutorService refresher =
      Executors.newSingleThreadScheduledExecutor(daemon("score-libvirt-refresh"));
  private final Map<String, Reading> lastTraffic = new HashMap<>();
  private final AtomicBoolean refreshQueued = new AtomicBoolean();
  private volatile Snapshot snapshot = new Snapshot(List.of(), new Room(0, 0));
  private volatile Connect events;

  /**
   * @param selfId this host's id in {@code cluster}
   */
  public LibvirtHypervisor(
      final ClusterConfig cluster,
      final int selfId,
      final LibvirtCalls calls,
      final Settings settings) {
    this(cluster, selfId, calls, settings, LibvirtHypervisor::localArpTable);
  }

  /**
   * @param arpTable the text of this host's {@code /proc/net/arp} (the agent runs on the host whose
   *     VMs it reports; a test reads another namespace's)
   */
  public LibvirtHypervisor(
      final ClusterConfig cluster,
      final int selfId,
      final LibvirtCalls calls,
      final Settings settings,
      final java.util.function.Supplier<String> arpTable) {
    this.arpTable = arpTable;
    this.cluster = cluster;
    this.self =
        Objects.requireNonNull(
            cluster.hypervisors().get(selfId), "host " + selfId + " is not in the cluster");
    this.calls = calls;
    this.settings = settings;
  }

  /**
   * Takes the first snapshot (so a libvirtd that does not run is reported at start), subscribes to
   * lifecycle events and starts the periodic refresh.
   */
  public void start() throws HypervisorException {
    refresh();
    try {
      LibvirtEvents.start();
      events =
          calls.run(
              "connect to " + self.libvirtUri() + " for events",
              settings.callTimeout(),
              () -> {
                final Connect connection = new Connect(self.libvirtUri());
                connection.addLifecycleListener(lifecycle());
                return connection;
              });
    } catch (final HypervisorException | LibvirtException e) {
      // Without events the periodic refresh still sees every change, only later.
      LOG.log(System.Logger.Level.WARNING, "no lifecycle events from libvirt: " + e.getMessage());
    }
    refresher.scheduleWithFixedDelay(
        this::refreshQuietly,
        settings.refreshPeriod().toMillis(),
        settings.refreshPeriod().toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private LifecycleListener lifecycle() {
    return (domain, event) -> {
      // libvirt's event thread: queue one refresh, never call libvirt from here.
      if (refreshQueued.compareAndSet(false, true)) {
        refresher.execute(
            () -> {
              refreshQueued.set(false);
              refreshQuietly();
            });
      }
      return 0;
    };
  }

  private void refreshQuietly() {
    try {
      refresh();
    } catch (final HypervisorException e) {
      LOG.log(System.Logger.Level.WARNING, e.getMessage());
    } catch (final RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "refreshing the VM inventory failed", e);
    }
  }

  /** Reads the inventory now; the snapshot changes only when every read succeeded. */
  void refresh() throws HypervisorException {
    try (LibvirtInventory inventory =
        LibvirtInventory.connect(self.libvirtUri(), settings.callTimeout(), calls)) {
      final List<LibvirtInventory.Vm> running = inventory.runningVms();
      final long freeMemory = inventory.freeMemoryBytes();
      final long now = System.nanoTime();
      final List<Vm> vms = new java.util.ArrayList<>();
      final Map<String, Reading> seen = new HashMap<>();
      for (final LibvirtInventory.Vm vm : running) {
        final LibvirtInventory.TrafficCounters counters;
        try {
          counters = inventory.traffic(vm);
        } catch (final HypervisorException e) {
          // One VM's counters (it may be leaving, or its domain busy with a job) do not hold back
          // the others: it stays listed, with no rate this time (the failure is counted).
          LOG.log(System.Logger.Level.DEBUG, "no traffic counters for " + vm.name() + ": " + e);
          vms.add(
              new Vm(
                  vm.name(), vm.uuid(), ipv4(inventory, vm), vm.memoryBytes(), vm.vcpus(), 0, 0));
          continue;
        }
        final Reading before = lastTraffic.get(vm.uuid());
        long tx = 0;
        long rx = 0;
        if (before != null && now - before.atNanos() > 0) {
          final double seconds = (now - before.atNanos()) / 1e9;
          // A counter that went back (the VM's interface was re-created) gives no rate.
          tx = (long) (Math.max(0, counters.txBytes() - before.counters().txBytes()) / seconds);
          rx = (long) (Math.max(0, counters.rxBytes() - before.counters().rxBytes()) / seconds);
        }
        seen.put(vm.uuid(), new Reading(now, counters));
        vms.add(
            new Vm(
                vm.name(), vm.uuid(), ipv4(inventory, vm), vm.memoryBytes(), vm.vcpus(), tx, rx));
      }
      synchronized (lastTraffic) {
        lastTraffic.clear();
        lastTraffic.putAll(seen);
      }
      snapshot =
          new Snapshot(
              List.copyOf(vms),
              new Room(Math.max(0, settings.vmSlots() - running.size()), freeMemory));
    }
  }

  /**
   * The VM's IPv4 address: what libvirt reports from the host's ARP table, else what the table
   * itself says (libvirt 9.0's ARP source fails here: {@link ArpTable}); 0 when neither knows.
   */
  private int ipv4(final LibvirtInventory inventory, final LibvirtInventory.Vm vm) {
    try {
      final Map<String, String> addresses = inventory.ipv4ByMac(vm);
      for (final String mac : vm.macs()) {
        final String address = addresses.get(mac);
        if (address != null) {
          return java.nio.ByteBuffer.wrap(java.net.InetAddress.getByName(address).getAddress())
              .getInt();
        }
      }
    } catch (final HypervisorException | java.net.UnknownHostException e) {
      LOG.log(System.Logger.Level.DEBUG, "libvirt has no address for " + vm.name() + ": " + e);
    }
    final Map<String, Integer> table = ArpTable.parse(arpTable.get());
    for (final String mac : vm.macs()) {
      final Integer address = table.get(mac);
      if (address != null) {
        return address;
      }
    }
    for (final String mac : vm.macs()) {
      final int learned = learnedAddresses.applyAsInt(mac);
      if (learned != 0) {
        return learned;
      }
    }
    return 0;
  }

  private volatile java.util.function.ToIntFunction<String> learnedAddresses = mac -> 0;

  /**
   * Where addresses come from when neither libvirt nor the ARP table knows the VM: the source IP
   * its packets carried through this host's bridge (the flow table's per-source MACs; a host rarely
   * talks to its guests itself, so its ARP table seldom has them).
   */
  public void learnAddressesFrom(final java.util.function.ToIntFunction<String> macToIpv4) {
    learnedAddresses = Objects.requireNonNull(macToIpv4);
  }

  private static String localArpTable() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/net/arp"));
    } catch (final java.io.IOException e) {
      return "";
    }
  }

  @Override
  public List<Vm> vms() {
    return snapshot.vms();
  }

  @Override
  public Room room() {
    return snapshot.room();
  }

  @Override
  public void close() {
    refresher.shutdownNow();
    final Connect connection = events;
    if (connection != null) {
      try {
        calls.run("close the event connection", settings.callTimeout(), connection::close);
      } catch (final HypervisorException e) {
        LOG.log(System.Logger.Level.WARNING, e.getMessage());
      }
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(final String name) {
    return runnable -> {
      final Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
