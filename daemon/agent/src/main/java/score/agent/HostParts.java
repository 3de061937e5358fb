package score.agent;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import score.agent.config.AgentConfig;
import score.agent.config.ClusterConfig;
import score.agent.control.ControlAnswer;
import score.agent.control.ControlDispatcher;
import score.agent.control.ControlRequest;
import score.agent.libvirt.HypervisorException;
import score.agent.libvirt.LibvirtCalls;
import score.agent.libvirt.LibvirtHypervisor;
import score.agent.migrate.DecidedMigrations;
import score.agent.migrate.HostDrain;
import score.agent.migrate.LiveMigration;
import score.agent.ovs.CountingPipeline;
import score.agent.ovs.LocationSteering;
import score.agent.ovs.OvsCommandLine;
import score.agent.ovs.OvsException;
import score.agent.ovs.OvsFlowPoller;
import score.agent.probe.PeerProbes;
import score.agent.ring.RingAgent;
import score.agent.traffic.FlowTableTraffic;
import score.agent.traffic.FlowsReport;
import score.agent.traffic.SmoothedTraffic;
import score.agent.traffic.TrafficSnapshots;
import score.core.decision.CapacityLedger;
import score.core.decision.Holder;
import score.core.decision.LinkWeights;
import score.core.decision.LocationCache;
import score.core.decision.MigrationCost;
import score.core.decision.MigrationDecider;
import score.core.decision.Topology;
import score.core.host.HostTokenLoop;
import score.core.port.Hypervisor;
import score.core.ring.TokenWork;
import score.flowtable.FlowTable;
import score.protocol.Envelope;
import score.protocol.WireFormat;

/**
 * The parts of the agent that work on its host (DESIGN.md, "The loop on one host"): the OVS poller
 * filling the flow table, libvirt's view of the VMs, the OpenFlow rules that steer location probes
 * to this agent, the probes themselves, and the token holder that decides and migrates. Started all
 * or none; a part that cannot start says what the operator should do.
 */
final class HostParts implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(HostParts.class.getName());

  /** A part of the host could not start; the message says what to do. */
  static final class StartException extends Exception {
    private static final long serialVersionUID = 1L;

    StartException(final String message, final Throwable cause) {
      super(message, cause);
    }
  }

  private final Deque<AutoCloseable> started;
  private final AgentConfig config;
  private final FlowTable table;
  private final TrafficSnapshots snapshots;
  private final OvsFlowPoller poller;
  private final LocationSteering steering;
  private final LibvirtHypervisor hypervisor;
  private final LocationCache locations;
  private final PeerProbes probes;
  private final DecidedMigrations migrations;
  private final HostTokenLoop loop;
  private final DrainHandler drainHandler;
  private final PlanHandler planHandler;
  private final AtomicBoolean draining = new AtomicBoolean();
  private final ScheduledExecutorService timers =
      Executors.newScheduledThreadPool(
          2,
          task -> {
            final Thread thread = new Thread(task, "score-host");
            thread.setDaemon(true);
            return thread;
          });
  private volatile RingAgent ring;
  private volatile long steeringFailures;

  private HostParts(
      final AgentConfig config,
      final int port,
      final MeterRegistry registry,
      final DecidedMigrations.RingThread ringThread,
      final Deque<AutoCloseable> started)
      throws StartException {
    this.started = started;
    this.config = config;
    table = new FlowTable(config.ovs().maxFlows(), nowMillis());
    poller = poller();
    steering = steering(port);
    final LibvirtCalls calls = register(new LibvirtCalls());
    hypervisor = hypervisor(calls);
    locations = new LocationCache(30_000_000_000L, 65_536);
    probes = probes(port);
    final Topology topology = BridgeChecks.topology(config);
    final LinkWeights weights = LinkWeights.paperDefaults(topology.maxLevel());
    snapshots = new TrafficSnapshots(table, HostParts::nowMillis);
    poller.aroundEachPoll(snapshots::applyConsumed, snapshots::publish);
    final FlowTableTraffic decisionTraffic = new FlowTableTraffic(snapshots);
    final HostLoopReport report = new HostLoopReport(decisionTraffic::consume);
    final LiveMigration liveMigration = liveMigration(calls);
    final HostTokenLoop[] loopRef = new HostTokenLoop[1];
    migrations = migrations(liveMigration, ringThread, report, loopRef);
    loop = loop(topology, weights, decisionTraffic, report);
    loopRef[0] = loop;
    probes.onAnnouncements((vm, host) -> loop.announced(vm, host, System.nanoTime()));
    report.bindMetrics(registry, loop, hypervisor, migrations::running);
    bindMetrics(registry);
    final HostDrain drain =
        new HostDrain(
            config.self(), config.cluster(), topology, weights, liveMigration, config.migration());
    drainHandler =
        new DrainHandler(
            config,
            drain,
            migrations,
            hypervisor,
            snapshots,
            locations,
            probes,
            ringThread,
            timers,
            draining);
    planHandler = new PlanHandler(config, hypervisor, loop, ringThread, liveMigration, migrations);
    startTimers();
  }

  /** The poller of the configured bridge, after checking OVS and the operator's rules. */
  private OvsFlowPoller poller() throws StartException {
    final OvsCommandLine ovs = register(new OvsCommandLine(config.ovs().commandTimeout()));
    final CountingPipeline pipeline = BridgeChecks.checkBridge(ovs, config);
    return new OvsFlowPoller(
        ovs,
        config.ovs().bridge(),
        pipeline,
        table,
        HostParts::nowMillis,
        true,
        ovs.openFlowStats());
  }

  /** The OpenFlow rules that steer location probes for local VMs to this agent. */
  private LocationSteering steering(final int port) throws StartException {
    final String bridge = config.ovs().bridge();
    final OvsCommandLine ovs = register(new OvsCommandLine(config.ovs().commandTimeout()));
    return new LocationSteering(
        ovs,
        bridge,
        port,
        BridgeChecks.bridgeMac(bridge),
        BridgeChecks.ipv4Of(config.cluster().hosts().get(config.self())));
  }

  /** libvirt's view of this host, started (its first inventory read). */
  private LibvirtHypervisor hypervisor(final LibvirtCalls calls) throws StartException {
    final ClusterConfig cluster = config.cluster();
    final LibvirtHypervisor started =
        register(
            new LibvirtHypervisor(
                cluster,
                config.self(),
                calls,
                new LibvirtHypervisor.Settings(
                    config.libvirt().vmSlots(),
                    Duration.ofSeconds(2),
                    config.libvirt().callTimeout(),
                    Duration.ofMillis(500),
                    config.migration().progressTimeout(),
                    config.migration().completionTimeoutPerGiB())));
    started.learnAddressesFrom(mac -> table.sourceIpOfMac(BridgeChecks.macBits(mac)));
    try {
      started.start();
    } catch (final HypervisorException e) {
      throw new StartException(
          "libvirtd does not answer at "
              + cluster.hypervisors().get(config.self()).libvirtUri()
              + " ("
              + e.getMessage()
              + "): start it (systemctl start libvirtd) or fix the member's libvirt URI in "
              + config.file(),
          e);
    }
    return started;
  }

  /** Location and capacity probes, both sides, over the ring's transport. */
  private PeerProbes probes(final int port) {
    final long probeTimeout = config.decisions().probeTimeout().toNanos();
    return new PeerProbes(
        config.self(),
        port,
        new PeerProbes.Transport() {
          @Override
          public void send(final int hostId, final score.protocol.Message message) {
            ring.network().send(hostId, message);
          }

          @Override
          public void sendDatagram(
              final InetSocketAddress to, final score.protocol.Message message) {
            ring.network().sendDatagram(to, message);
          }
        },
        new PeerProbes.Local() {
          @Override
          public Set<Integer> vms() {
            return localAddresses();
          }

          @Override
          public Hypervisor.Room room() {
            // A host being drained takes no VM.
            return draining.get() ? new Hypervisor.Room(0, 0) : hypervisor.room();
          }
        },
        // A promise lasts until the asker's migration has started (its VM then counts here):
        // the probes, the dirty-rate samples, and the start.
        new CapacityLedger(
            4 * probeTimeout
                + config.decisions().dirtyRateSamples() * 1_000_000_000L
                + 10_000_000_000L,
            64),
        System::nanoTime,
        4 * probeTimeout,
        4096);
  }

  private LiveMigration liveMigration(final LibvirtCalls calls) {
    return new LiveMigration(
        config.cluster(),
        calls,
        new LiveMigration.Settings(
            config.libvirt().callTimeout(),
            Duration.ofSeconds(1),
            Duration.ofMillis(500),
            config.migration().progressTimeout(),
            Optional.empty(),
            false));
  }

  /** The holder's moves through libvirt; each end goes to the loop (and its figures to report). */
  private DecidedMigrations migrations(
      final LiveMigration liveMigration,
      final DecidedMigrations.RingThread ringThread,
      final HostLoopReport report,
      final HostTokenLoop[] loop) {
    return register(
        new DecidedMigrations(
            config.self(),
            config.cluster(),
            hypervisor,
            liveMigration,
            config.migration(),
            config.decisions().dirtyRateSamples(),
            ringThread,
            end -> {
              report.recordFigures(end);
              loop[0].migrationEnded(
                  end.requestId(),
                  end.decision(),
                  end.started(),
                  end.succeeded(),
                  end.why(),
                  System.nanoTime());
            }));
  }

  /** The host's token loop on its ports. */
  private HostTokenLoop loop(
      final Topology topology,
      final LinkWeights weights,
      final FlowTableTraffic decisionTraffic,
      final HostLoopReport report) {
    final long probeTimeout = config.decisions().probeTimeout().toNanos();
    final ClusterConfig cluster = config.cluster();
    return new HostTokenLoop(
        config.self(),
        new HostTokenLoop.Ports(
            hypervisor,
            decisionTraffic,
            new SmoothedTraffic(snapshots, 6_000, 10_000),
            probes,
            probes,
            migrations::move,
            (vm, host) -> probes.announce(vm, host, cluster.hosts().keySet()),
            report),
        new MigrationDecider(
            topology,
            weights,
            config.decisions().candidateRule().equals("paper")
                ? MigrationDecider.CandidateRule.PAPER
                : MigrationDecider.CandidateRule.RACK_AWARE),
        new Holder.Settings(
            probeTimeout,
            probeTimeout,
            config.decisions().holdLimit().toNanos(),
            MigrationCost.fraction(config.decisions().migrationCost()),
            config.dryRun()),
        locations,
        new HostTokenLoop.Settings(
            probeTimeout,
            (WireFormat.DEFAULT_MAX_LENGTH - 64) / 5,
            cluster.idleRotation().toNanos(),
            cluster.hosts().keySet(),
            cluster.idleHold().toNanos()));
  }

  /** Polling, and keeping the steering rules in step with the local VMs. */
  private void startTimers() {
    poller.start(timers, config.ovs().pollInterval(), Duration.ofSeconds(30));
    final long steerMillis = Math.max(200, config.ovs().pollInterval().toMillis());
    timers.scheduleWithFixedDelay(this::syncSteering, 0, steerMillis, TimeUnit.MILLISECONDS);
    LOG.log(
        System.Logger.Level.INFO,
        "observing bridge "
            + config.ovs().bridge()
            + config
                .ovs()
                .pipelineTable()
                .map(t -> " (counted packets go on to the operator's table " + t + ")")
                .orElse("")
            + ", "
            + hypervisor.vms().size()
            + " VMs here"
            + (config.dryRun() ? "; dry run: decisions are logged, nothing migrates" : ""));
  }

  static HostParts start(
      final AgentConfig config,
      final int port,
      final MeterRegistry registry,
      final DecidedMigrations.RingThread ringThread)
      throws StartException {
    final Deque<AutoCloseable> parts = new ArrayDeque<>();
    try {
      return new HostParts(config, port, registry, ringThread, parts);
    } catch (final StartException e) {
      closeAll(parts);
      throw e;
    } catch (final RuntimeException e) {
      closeAll(parts);
      throw new StartException("cannot start the host's parts: " + e.getMessage(), e);
    }
  }

  /** The token work of this host. */
  TokenWork work() {
    return loop;
  }

  /** Probes for this host's agent (ring thread). */
  boolean handle(final Envelope envelope) {
    return probes.handle(envelope);
  }

  /** Once the ring runs: the background location of neighbours for the cost metric. */
  void startOnRing(final RingAgent agent) {
    this.ring = agent;
    // On the ring's own timer: the host's timers may be busy waiting for OVS.
    agent.scheduleOnRing(() -> loop.refreshCost(System.nanoTime(), 256), Duration.ofSeconds(2));
  }

  /** The host's control commands: flows, plan, drain and its status, pause, resume. */
  void registerCommands(final ControlDispatcher commands) {
    commands
        .on(
            ControlRequest.Flows.class,
            request ->
                FlowsReport.of(
                    config.ovs().bridge(),
                    table,
                    poller.stats().polls(),
                    poller.stats().malformedLines(),
                    nowMillis()))
        .on(ControlRequest.Plan.class, planHandler::answer)
        .on(ControlRequest.Drain.class, drainHandler::start)
        .on(ControlRequest.DrainStatus.class, request -> drainHandler.status())
        .on(
            ControlRequest.Pause.class,
            request -> {
              migrations.pause();
              return pauseState();
            })
        .on(
            ControlRequest.Resume.class,
            request -> {
              migrations.resume();
              return pauseState();
            });
  }

  private ControlAnswer.PauseState pauseState() {
    return new ControlAnswer.PauseState(migrations.paused(), migrations.running());
  }

  /** Whether an earlier run's steering rules are gone (only the steering task touches it). */
  private boolean steeringStarted;

  private void syncSteering() {
    try {
      if (!steeringStarted) {
        // An agent that was killed left its rules behind: the probes for a VM that left meanwhile
        // would still be steered here. Start from none.
        steering.clear();
        steeringStarted = true;
      }
      steering.sync(localAddresses());
    } catch (final OvsException | RuntimeException e) {
      steeringFailures++;
      LOG.log(System.Logger.Level.WARNING, "cannot update the probe-steering rules: " + e);
    }
  }

  private Set<Integer> localAddresses() {
    final Set<Integer> local = new HashSet<>();
    for (final Hypervisor.Vm vm : hypervisor.vms()) {
      if (vm.ipv4() != 0) {
        local.add(vm.ipv4());
      }
    }
    return local;
  }

  private void bindMetrics(final MeterRegistry registry) {
    Gauge.builder("score_flows_tracked", table, FlowTable::size)
        .description("Flows in the agent's flow table")
        .register(registry);
    Gauge.builder("score_ovs_poll_duration_seconds", poller, p -> p.stats().lastPollNanos() / 1e9)
        .description("Duration of the last OVS poll")
        .register(registry);
    FunctionCounter.builder("score_ovs_polls", poller, p -> p.stats().polls())
        .description("OVS polls done")
        .register(registry);
    FunctionCounter.builder("score_ovs_poll_failures", poller, p -> p.stats().failures())
        .description("OVS polls that failed")
        .register(registry);
    FunctionCounter.builder("score_ovs_binary_polls", poller, OvsFlowPoller::binaryPolls)
        .description("OVS polls read as binary OpenFlow from the bridge's management socket")
        .register(registry);
    FunctionCounter.builder("score_ovs_binary_fallbacks", poller, OvsFlowPoller::binaryFailures)
        .description("Binary flow-statistics reads that failed (the next polls use ovs-ofctl)")
        .register(registry);
    probeCounter(registry, "location", "asked", c -> c.locationsAsked());
    probeCounter(registry, "location", "answered", c -> c.locationsAnswered());
    probeCounter(registry, "capacity", "asked", c -> c.capacitiesAsked());
    probeCounter(registry, "capacity", "answered", c -> c.capacitiesAnswered());
    FunctionCounter.builder(
            "score_probe_requests_answered", probes, p -> p.counts().requestsAnswered())
        .description("Location and capacity probes of other hosts this agent answered")
        .register(registry);
    FunctionCounter.builder("score_probe_steering_failures", this, h -> h.steeringFailures)
        .description("Failed updates of the rules that steer location probes here")
        .register(registry);
  }

  private void probeCounter(
      final MeterRegistry registry,
      final String kind,
      final String state,
      final java.util.function.ToLongFunction<PeerProbes.Counts> count) {
    FunctionCounter.builder("score_probes", probes, p -> count.applyAsLong(p.counts()))
        .description("Probes this host's holder sent, and answers it got, by kind")
        .tag("kind", kind)
        .tag("state", state)
        .register(registry);
  }

  private static long nowMillis() {
    return System.nanoTime() / 1_000_000;
  }

  private <T extends AutoCloseable> T register(final T part) {
    started.push(part);
    return part;
  }

  private static void closeAll(final Deque<AutoCloseable> parts) {
    while (!parts.isEmpty()) {
      closeQuietly(parts.pop());
    }
  }

  private static void closeQuietly(final AutoCloseable part) {
    try {
      part.close();
    } catch (final Exception e) {
      LOG.log(System.Logger.Level.WARNING, "stopping " + part + " failed: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    timers.shutdownNow();
    poller.stop();
    try {
      steering.clear();
    } catch (final OvsException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot remove the probe-steering rules: " + e);
    }
    try {
      poller.removeRules();
    } catch (final OvsException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot remove the counting rules: " + e);
    }
    closeAll(started);
  }
}
