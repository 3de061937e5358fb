package score.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import score.agent.config.AgentConfig;
import score.agent.config.ClusterConfig;
import score.agent.libvirt.HypervisorException;
import score.agent.libvirt.LibvirtCalls;
import score.agent.libvirt.LibvirtHypervisor;
import score.agent.migrate.DecidedMigrations;
import score.agent.migrate.HostDrain;
import score.agent.migrate.LiveMigration;
import score.agent.ovs.CountingPipeline;
import score.agent.ovs.LocationSteering;
import score.agent.ovs.OperatorRules;
import score.agent.ovs.OvsCommandLine;
import score.agent.ovs.OvsException;
import score.agent.ovs.OvsFlowPoller;
import score.agent.probe.PeerProbes;
import score.agent.ring.RingAgent;
import score.agent.traffic.FlowTableTraffic;
import score.agent.traffic.SmoothedTraffic;
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
import score.flowtable.PairAggregate;
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
  private final OvsFlowPoller poller;
  private final OvsCommandLine steeringOvs;
  private final LocationSteering steering;
  private final LibvirtHypervisor hypervisor;
  private final PeerProbes probes;
  private final DecidedMigrations migrations;
  private final HostLoopReport report;
  private final HostTokenLoop loop;
  private final ScheduledExecutorService timers =
      Executors.newScheduledThreadPool(
          2,
          task -> {
            final Thread thread = new Thread(task, "score-host");
            thread.setDaemon(true);
            return thread;
          });
  private volatile RingAgent ring;
  private HostDrain drain;
  private LiveMigration liveMigration;
  private Topology topology;
  private LinkWeights weights;
  private LocationCache locations;
  private volatile boolean draining;
  private long drainProbeId = 3L << 61;
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
    final int self = config.self();
    final ClusterConfig cluster = config.cluster();
    final String bridge = config.ovs().bridge();
    final long origin = nowMillis();
    table = new FlowTable(config.ovs().maxFlows(), origin);
    final OvsCommandLine pollerOvs = register(new OvsCommandLine(config.ovs().commandTimeout()));
    steeringOvs = register(new OvsCommandLine(config.ovs().commandTimeout()));
    final CountingPipeline pipeline = checkBridge(pollerOvs, config);
    poller =
        new OvsFlowPoller(
            pollerOvs,
            bridge,
            pipeline,
            table,
            HostParts::nowMillis,
            true,
            pollerOvs.openFlowStats());
    steering =
        new LocationSteering(
            steeringOvs, bridge, port, bridgeMac(bridge), ipv4Of(cluster.hosts().get(self)));
    final LibvirtCalls calls = register(new LibvirtCalls());
    hypervisor =
        register(
            new LibvirtHypervisor(
                cluster,
                self,
                calls,
                new LibvirtHypervisor.Settings(
                    config.libvirt().vmSlots(),
                    Duration.ofSeconds(2),
                    config.libvirt().callTimeout(),
                    Duration.ofMillis(500),
                    config.migration().progressTimeout(),
                    config.migration().completionTimeoutPerGiB()),
                Runnable::run));
    hypervisor.learnAddressesFrom(mac -> table.sourceIpOfMac(macBits(mac)));
    try {
      hypervisor.start();
    } catch (final HypervisorException e) {
      throw new StartException(
          "libvirtd does not answer at "
              + cluster.hypervisors().get(self).libvirtUri()
              + " ("
              + e.getMessage()
              + "): start it (systemctl start libvirtd) or fix the member's libvirt URI in "
              + config.file(),
          e);
    }
    locations = new LocationCache(30_000_000_000L, 65_536);
    final long probeTimeout = config.decisions().probeTimeout().toNanos();
    probes =
        new PeerProbes(
            self,
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
                return draining ? new Hypervisor.Room(0, 0) : hypervisor.room();
              }
            },
            // A promise lasts until the asker's migration has started (its VM then counts here):
            // the probes, the dirty-rate samples, and the start.
            new CapacityLedger(
                4 * config.decisions().probeTimeout().toNanos()
                    + config.decisions().dirtyRateSamples() * 1_000_000_000L
                    + 10_000_000_000L,
                64),
            System::nanoTime,
            4 * probeTimeout,
            4096);
    topology = topology(config);
    weights = LinkWeights.paperDefaults(topology.maxLevel());
    final FlowTableTraffic decisionTraffic = new FlowTableTraffic(table, HostParts::nowMillis);
    report = new HostLoopReport(decisionTraffic::consume);
    liveMigration =
        new LiveMigration(
            cluster,
            calls,
            new LiveMigration.Settings(
                config.libvirt().callTimeout(),
                Duration.ofSeconds(1),
                Duration.ofMillis(500),
                config.migration().progressTimeout(),
                Optional.empty(),
                false));
    drain = new HostDrain(self, cluster, topology, weights, liveMigration, config.migration());
    final HostTokenLoop[] loopRef = new HostTokenLoop[1];
    migrations =
        register(
            new DecidedMigrations(
                self,
                cluster,
                hypervisor,
                liveMigration,
                config.migration(),
                config.decisions().dirtyRateSamples(),
                ringThread,
                end -> {
                  report.recordFigures(end);
                  loopRef[0].migrationEnded(
                      end.requestId(),
                      end.decision(),
                      end.started(),
                      end.succeeded(),
                      end.why(),
                      System.nanoTime());
                }));
    loop =
        new HostTokenLoop(
            self,
            new HostTokenLoop.Ports(
                hypervisor,
                decisionTraffic,
                new SmoothedTraffic(table, HostParts::nowMillis, 6_000, 10_000),
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
                cluster.hosts().keySet()));
    loopRef[0] = loop;
    probes.onAnnouncements((vm, host) -> loop.announced(vm, host, System.nanoTime()));
    report.bindMetrics(registry, loop, hypervisor, migrations::running);
    bindMetrics(registry);
    poller.start(timers, config.ovs().pollInterval(), Duration.ofSeconds(30));
    final long steerMillis = Math.max(200, config.ovs().pollInterval().toMillis());
    timers.scheduleWithFixedDelay(this::syncSteering, 0, steerMillis, TimeUnit.MILLISECONDS);
    LOG.log(
        System.Logger.Level.INFO,
        "observing bridge "
            + bridge
            + (config.ovs().pipelineTable().isPresent()
                ? " (counted packets go on to the operator's table "
                    + config.ovs().pipelineTable().get()
                    + ")"
                : "")
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
    timers.scheduleWithFixedDelay(
        () -> agent.runOnRing(() -> loop.refreshCost(System.nanoTime(), 256)),
        1,
        2,
        TimeUnit.SECONDS);
  }

  /** Answers for {@code score flows}, {@code pause}, {@code resume}; empty for other commands. */
  Optional<Object> answer(final String command, final JsonNode request) {
    switch (command) {
      case "flows":
        return Optional.of(
            score.agent.traffic.FlowsReport.of(
                config.ovs().bridge(),
                table,
                poller.stats().polls(),
                poller.stats().malformedLines(),
                nowMillis()));
      case "drain":
        return Optional.of(startDrain(request));
      case "plan":
        return Optional.of(plan(request));
      case "drain-status":
        return Optional.of(drain.status());
      case "pause":
        migrations.pause();
        return Optional.of(pauseState());
      case "resume":
        migrations.resume();
        return Optional.of(pauseState());
      default:
        return Optional.empty();
    }
  }

  /**
   * Starts {@code score drain}: this host must be the one named. Automatic migrations from here
   * stop and this host reports no room to others until the drain ends.
   */
  private Object startDrain(final JsonNode request) {
    final String named = request.path("host").asText("");
    final ClusterConfig cluster = config.cluster();
    final Optional<Integer> id = cluster.hostNamed(named);
    if (id.isEmpty() || id.get() != config.self()) {
      return Map.of(
          "error",
          "'"
              + named
              + "' is not this agent's host ("
              + cluster.hypervisors().get(config.self()).name()
              + "): run score drain on the host to drain");
    }
    final double seconds = request.path("deadlineSeconds").asDouble(0);
    if (!(seconds > 0) || seconds > 86_400) {
      return Map.of("error", "the deadline must be more than 0 s and at most a day");
    }
    final boolean wasPaused = migrations.paused();
    migrations.pause();
    draining = true;
    final boolean started =
        drain.start(
            Duration.ofMillis((long) (seconds * 1e3)),
            this::drainInputs,
            () -> {
              draining = false;
              if (!wasPaused) {
                migrations.resume();
              }
            });
    if (!started) {
      return Map.of("error", "a drain of this host is already running");
    }
    return drain.status();
  }

  /**
   * What the drain plans with, read on the ring's thread: each local VM's neighbours where they are
   * known, and the room every other member reports (asked now, waited for two seconds).
   */
  private java.util.concurrent.CompletableFuture<HostDrain.Inputs> drainInputs() {
    final java.util.concurrent.CompletableFuture<HostDrain.Inputs> result =
        new java.util.concurrent.CompletableFuture<>();
    final Map<Integer, score.core.decision.DrainPlanner.Room> rooms =
        new java.util.concurrent.ConcurrentHashMap<>();
    ring.runOnRing(
        () -> {
          final long now = System.nanoTime();
          final List<score.core.decision.DrainPlanner.DrainVm> vms = new ArrayList<>();
          long largest = 0;
          for (final Hypervisor.Vm vm : hypervisor.vms()) {
            final List<PairAggregate> pairs =
                vm.ipv4() == 0 ? List.of() : table.pairsOf(vm.ipv4(), nowMillis());
            final double[] rates = new double[pairs.size()];
            final int[] hosts = new int[pairs.size()];
            for (int k = 0; k < pairs.size(); k++) {
              final PairAggregate pair = pairs.get(k);
              final int z = pair.ipA() == vm.ipv4() ? pair.ipB() : pair.ipA();
              rates[k] = pair.bytesPerSecond();
              hosts[k] = locations.hostOf(z, now);
            }
            vms.add(
                new score.core.decision.DrainPlanner.DrainVm(
                    vm.name(),
                    vm.ipv4(),
                    vm.memoryBytes(),
                    score.core.plan.BitRate.ofBitsPerSecond(8 * vm.txBytesPerSecond()),
                    score.core.plan.BitRate.ofBitsPerSecond(8 * vm.rxBytesPerSecond()),
                    rates,
                    hosts));
            largest = Math.max(largest, vm.memoryBytes());
          }
          final score.core.port.ProbeAnswers answers =
              new score.core.port.ProbeAnswers() {
                @Override
                public void located(final long requestId, final int vmId, final int hostId) {}

                @Override
                public void capacity(
                    final long requestId,
                    final int hostId,
                    final int freeSlots,
                    final long freeMemoryBytes) {
                  rooms.put(
                      hostId,
                      new score.core.decision.DrainPlanner.Room(freeSlots, freeMemoryBytes));
                }
              };
          for (final int host : config.cluster().hosts().keySet()) {
            if (host != config.self()) {
              probes.askCapacity(drainProbeId++, host, largest, answers);
            }
          }
          timers.schedule(
              () -> result.complete(new HostDrain.Inputs(vms, Map.copyOf(rooms))),
              2,
              TimeUnit.SECONDS);
        });
    return result;
  }

  /**
   * {@code score plan --vm NAME --to HOST}: what the holder would weigh for this VM, with eq. 2's
   * terms, and the migration the planner would run (its dirty rate sampled once).
   */
  private Object plan(final JsonNode request) {
    final String name = request.path("vm").asText("");
    final String toName = request.path("to").asText("");
    final ClusterConfig cluster = config.cluster();
    final Hypervisor.Vm vm =
        hypervisor.vms().stream().filter(v -> v.name().equals(name)).findFirst().orElse(null);
    final String here = cluster.hypervisors().get(config.self()).name();
    if (vm == null) {
      return Map.of("error", "VM '" + name + "' does not run on " + here + ": ask its host");
    }
    final Optional<Integer> to = cluster.hostNamed(toName);
    if (to.isEmpty()) {
      return Map.of("error", "no member '" + toName + "' in " + config.file());
    }
    if (vm.ipv4() == 0) {
      return Map.of("error", "the address of " + name + " is not known yet (it has sent nothing)");
    }
    final java.util.concurrent.CompletableFuture<Map<String, Object>> terms =
        new java.util.concurrent.CompletableFuture<>();
    ring.runOnRing(
        () -> terms.complete(planTerms(loop.planTerms(vm.ipv4(), to.get(), System.nanoTime()))));
    final Map<String, Object> answer;
    try {
      answer = new LinkedHashMap<>(terms.get(3, TimeUnit.SECONDS));
    } catch (final java.util.concurrent.ExecutionException
        | java.util.concurrent.TimeoutException e) {
      return Map.of("error", "the ring thread did not answer: " + e);
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
      return Map.of("error", "interrupted");
    }
    answer.put("vm", name);
    answer.put("from", here);
    answer.put("to", cluster.hypervisors().get(to.get()).name());
    try {
      final LiveMigration.Located from =
          new LiveMigration.Located(
              config.self(), cluster.hypervisors().get(config.self()), vm.memoryBytes());
      final score.core.plan.DirtyRate rate =
          liveMigration.measureDirtyRate(name, from, 1).pick(score.core.plan.DirtyRatePolicy.MEAN);
      final score.core.plan.MigrationGoal goal = migrations.goal(vm.memoryBytes());
      final score.core.plan.MigrationPlan migration =
          LiveMigration.plan(goal, vm.memoryBytes(), rate);
      final Map<String, Object> planned = new LinkedHashMap<>();
      planned.put("memoryBytes", vm.memoryBytes());
      planned.put("dirtyRateBytesPerSecond", Math.round(rate.bytesPerSecond()));
      planned.put("deadlineSeconds", goal.deadline().orElseThrow().toMillis() / 1e3);
      planned.put("bandwidthMbps", migration.appliedBandwidth().bitsPerSecond() / 1e6);
      planned.put("predictedSeconds", migration.estimate().timeSeconds());
      answer.put("migration", planned);
    } catch (final HypervisorException
        | score.core.plan.InfeasiblePlanException
        | IllegalArgumentException e) {
      answer.put("migration", Map.of("error", String.valueOf(e.getMessage())));
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
      answer.put("migration", Map.of("error", "interrupted"));
    }
    return answer;
  }

  /** The loop's eq. 1 and eq. 2 terms as {@code score plan --vm} prints them. */
  private Map<String, Object> planTerms(final HostTokenLoop.PlanTerms terms) {
    final List<Map<String, Object>> neighbours = new ArrayList<>();
    for (final HostTokenLoop.NeighbourTerm term : terms.neighbours()) {
      final Map<String, Object> row = new LinkedHashMap<>();
      row.put("neighbour", score.flowtable.Ipv4.format(term.vm()));
      row.put("bytesPerSecond", Math.round(term.bytesPerSecond()));
      if (term.host() < 0) {
        row.put("host", null);
      } else {
        final ClusterConfig.Hypervisor where = config.cluster().hypervisors().get(term.host());
        row.put("host", where == null ? "" + term.host() : where.name());
        row.put("levelHere", term.levelHere());
        row.put("levelThere", term.levelThere());
      }
      neighbours.add(row);
    }
    final Map<String, Object> out = new LinkedHashMap<>();
    out.put("neighbours", neighbours);
    out.put("costHere", terms.costHere());
    out.put("costThere", terms.costThere());
    out.put("gain", terms.gain());
    out.put("migrationCost", terms.migrationCost());
    out.put("eq2Holds", terms.eq2Holds());
    out.put(
        "why",
        "2·Σλ(cost now − cost there) = "
            + Math.round(terms.gain())
            + (terms.eq2Holds() ? " > c_m = " : " ≤ c_m = ")
            + Math.round(terms.migrationCost())
            + (terms.eq2Holds() ? ": the move pays if the host has room" : ": the VM stays"));
    return out;
  }

  private Map<String, Object> pauseState() {
    final Map<String, Object> state = new LinkedHashMap<>();
    state.put("paused", migrations.paused());
    state.put("runningMigrations", migrations.running());
    return state;
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

  /**
   * The counting pipeline this bridge gets, after checking that OVS answers, the bridge exists and
   * the agent would not change how the operator's rules forward or drop packets.
   */
  private static CountingPipeline checkBridge(final OvsCommandLine ovs, final AgentConfig config)
      throws StartException {
    final String bridge = config.ovs().bridge();
    try {
      if (!ovs.bridgeExists(bridge)) {
        throw new StartException(
            "Open vSwitch has no bridge '"
                + bridge
                + "': create it (ovs-vsctl add-br "
                + bridge
                + ") or set ovs.bridge in "
                + config.file(),
            null);
      }
      final List<String> own = OperatorRules.inTable(ovs.dumpFlows(bridge), 0);
      if (!own.isEmpty()) {
        throw new StartException(
            "bridge "
                + bridge
                + " has "
                + own.size()
                + " OpenFlow rule(s) of its own in table 0 (first: "
                + own.get(0)
                + "); the agent counts in table 0 at priority "
                + CountingPipeline.ENTRY_PRIORITY
                + " and would run before them, changing how packets are forwarded or dropped:"
                + " move them to a table of their own (4..254) and set ovs.pipeline-table to it"
                + " in "
                + config.file()
                + " (the agent then hands every packet on to that table)",
            null);
      }
    } catch (final OvsException e) {
      throw new StartException(
          "Open vSwitch does not answer ("
              + e.getMessage()
              + "): start it (systemctl start openvswitch-switch)",
          e);
    }
    final Duration idle = CountingPipeline.defaults().learnedIdleTimeout();
    return config
        .ovs()
        .pipelineTable()
        .map(table -> CountingPipeline.inFrontOf(table, idle))
        .orElse(CountingPipeline.defaults());
  }

  /**
   * The tree of the members: rack and pod from agent.yaml (a member without a rack is alone in its
   * own; pods add a third level). Indexed by host id; ids no member has stand alone.
   */
  static Topology topology(final AgentConfig config) {
    final ClusterConfig cluster = config.cluster();
    int maxId = 0;
    for (final int id : cluster.hosts().keySet()) {
      maxId = Math.max(maxId, id);
    }
    final boolean pods = !config.pods().isEmpty();
    final String[][] paths = new String[maxId + 1][];
    for (int id = 0; id <= maxId; id++) {
      final boolean member = cluster.hosts().containsKey(id);
      final String rack = member ? cluster.racks().getOrDefault(id, "host-" + id) : "unused-" + id;
      if (pods) {
        final String pod = member ? config.pods().getOrDefault(id, "pod-" + rack) : "unused-" + id;
        paths[id] = new String[] {rack, pod};
      } else {
        paths[id] = new String[] {rack};
      }
    }
    return Topology.fromPaths(paths);
  }

  private static String bridgeMac(final String bridge) throws StartException {
    try {
      return Files.readString(Path.of("/sys/class/net", bridge, "address")).strip();
    } catch (final IOException e) {
      throw new StartException(
          "bridge " + bridge + " has no network interface here: " + e.getMessage(), e);
    }
  }

  private static int ipv4Of(final InetSocketAddress address) throws StartException {
    final InetAddress resolved =
        address.isUnresolved()
            ? new InetSocketAddress(address.getHostString(), address.getPort()).getAddress()
            : address.getAddress();
    if (resolved == null || resolved.getAddress().length != 4) {
      throw new StartException(
          "this host's member address " + address + " is not an IPv4 address", null);
    }
    return ByteBuffer.wrap(resolved.getAddress()).getInt();
  }

  private static long macBits(final String mac) {
    try {
      return Long.parseLong(mac.replace(":", ""), 16);
    } catch (final NumberFormatException e) {
      return -2;
    }
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
