package score.agent.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import score.core.plan.BitRate;
import score.core.plan.MigrationGoal;
import score.core.ring.RingSettings;
import score.protocol.ClusterKey;
import score.protocol.TokenPolicy;

/**
 * {@code /etc/score/agent.yaml}: everything one host's agent needs, in one YAML file checked at
 * start; every complaint reads {@code FILE:LINE:COLUMN: key: reason}. docs/operators-guide.md lists
 * each setting with its default and unit. Names follow what KubeVirt's and Nova's operators know
 * where those have the same setting (allowPostCopy / live_migration_permit_post_copy,
 * progressTimeout, completionTimeoutPerGiB, parallelOutboundMigrationsPerNode /
 * max_concurrent_live_migrations, live_migration_downtime, bandwidthPerMigration).
 *
 * @param self this host's id among the members
 * @param pods member id to its pod (aggregation switch), when given
 */
public record AgentConfig(
    Path file,
    ClusterConfig cluster,
    int self,
    Map<Integer, String> pods,
    TokenPolicy policy,
    Ovs ovs,
    Libvirt libvirt,
    Migration migration,
    InetSocketAddress metricsAddress,
    Path controlSocket,
    boolean dryRun,
    Decisions decisions,
    boolean ringOnly) {

  /**
   * Open vSwitch on this host.
   *
   * @param pipelineTable where the operator's own OpenFlow pipeline starts: the agent's counting
   *     rules hand every packet on to this table instead of forwarding it themselves (empty: the
   *     agent forwards with NORMAL, and refuses a bridge with rules of its own in table 0)
   */
  public record Ovs(
      String bridge,
      Duration pollInterval,
      Duration commandTimeout,
      Optional<Integer> pipelineTable,
      int maxFlows) {}

  /**
   * How the holder decides (S-CORE section III-F).
   *
   * @param migrationCost c_m of eq. 2 as a fraction of the VM's own cost share 2·C(u)
   * @param probeTimeout how long location and capacity probes are waited for
   * @param holdLimit how long the token waits for a migration its holder started
   * @param candidateRule paper (first candidate with room where eq. 2 holds) or rack-aware
   * @param dirtyRateSamples page-sampling measurements before a migration is planned
   */
  public record Decisions(
      double migrationCost,
      Duration probeTimeout,
      Duration holdLimit,
      String candidateRule,
      int dirtyRateSamples) {}

  /** This host's libvirtd. */
  public record Libvirt(String uri, Duration callTimeout, int vmSlots) {}

  /** How the agent migrates. */
  public record Migration(
      Duration deadlinePerGiB,
      Duration maxDowntime,
      MigrationGoal.Objective objective,
      Optional<BitRate> bandwidthPerMigration,
      boolean allowPostCopy,
      boolean allowAutoConverge,
      int parallelOutboundMigrationsPerNode,
      Duration progressTimeout,
      Duration completionTimeoutPerGiB) {}

  private static final Pattern ADDRESS = Pattern.compile("(.+):(\\d{1,5})");

  /**
   * Whether {@code file} is an agent.yaml (by its .yaml or .yml name) rather than a cluster file.
   */
  public static boolean isAgentYaml(final Path file) {
    final String name = file.getFileName() == null ? "" : file.getFileName().toString();
    return name.endsWith(".yaml") || name.endsWith(".yml");
  }

  /**
   * Reads and checks {@code file}: its YAML, every value, the key file, and that this host is a
   * member.
   *
   * @param hostOverride this host's name or id from the command line, instead of {@code host:}
   */
  public static AgentConfig load(final Path file, final Optional<String> hostOverride)
      throws ConfigException {
    return load(file, hostOverride, true);
  }

  /**
   * The file's settings for a tool that runs on no particular member ({@code score migrate}):
   * {@code host:} is not needed and {@link #self} is 0 unless given.
   */
  public static AgentConfig loadForTools(final Path file) throws ConfigException {
    return load(file, Optional.empty(), false);
  }

  private static AgentConfig load(
      final Path file, final Optional<String> hostOverride, final boolean selfRequired)
      throws ConfigException {
    final YamlMap root = YamlMap.load(file);
    root.allow(
        "host",
        "key-file",
        "members",
        "ring",
        "ovs",
        "libvirt",
        "migration",
        "metrics",
        "control",
        "dry-run",
        "decision",
        "ring-only");
    final Optional<String> hostKey = root.optionalText("host");
    final Path keyFile = Path.of(root.text("key-file", "/etc/score/cluster.key"));
    final Map<Integer, InetSocketAddress> hosts = new LinkedHashMap<>();
    final Map<Integer, String> racks = new LinkedHashMap<>();
    final Map<Integer, String> pods = new LinkedHashMap<>();
    final Map<Integer, ClusterConfig.Hypervisor> hypervisors = new LinkedHashMap<>();
    final List<YamlMap> members = root.listOfMaps("members");
    if (members.isEmpty()) {
      throw root.error("members", "list every host of the cluster (id, address, ...)");
    }
    for (final YamlMap member : members) {
      member(member, hosts, racks, pods, hypervisors);
    }
    final YamlMap ring = root.map("ring");
    ring.allow(
        "heartbeat",
        "lease",
        "ack-timeout",
        "rotation-base",
        "rotation-per-host",
        "clock-drift",
        "idle-rotation",
        "policy");
    final Duration heartbeat = ring.duration("heartbeat", Duration.ofSeconds(1), false);
    final Duration lease = ring.duration("lease", Duration.ofSeconds(3), false);
    final Duration ackTimeout = ring.duration("ack-timeout", Duration.ofMillis(500), false);
    final Duration rotationBase = ring.duration("rotation-base", Duration.ofSeconds(10), false);
    final Duration rotationPerHost =
        ring.duration("rotation-per-host", Duration.ofMillis(200), false);
    final double clockDrift = ring.number("clock-drift", 0.05, 0, 0.5);
    final Duration idleRotation =
        ring.duration("idle-rotation", ClusterConfig.DEFAULT_IDLE_ROTATION, true);
    final String policyName = ring.text("policy", "load-aware");
    final TokenPolicy policy;
    try {
      policy = TokenPolicy.valueOf(policyName.toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (final IllegalArgumentException e) {
      throw ring.error(
          "policy", "'" + policyName + "': use round-robin, global, distributed or load-aware");
    }
    ring.finish();
    final ClusterConfig cluster =
        new ClusterConfig(
            keyFile,
            hosts,
            racks,
            hypervisors,
            heartbeat,
            lease,
            ackTimeout,
            rotationBase,
            rotationPerHost,
            clockDrift,
            idleRotation);
    try {
      cluster.ringSettings(hosts.keySet().iterator().next());
    } catch (final IllegalArgumentException e) {
      throw ring.error("lease", e.getMessage());
    }
    final String selfName = hostOverride.or(() -> hostKey).orElse(null);
    if (selfName == null && !selfRequired) {
      return finishLoading(root, file, cluster, 0, pods, policy);
    }
    if (selfName == null) {
      throw root.error("host", "say which member this host is (its name or id), or give --host");
    }
    final int self =
        cluster
            .hostNamed(selfName)
            .orElseThrow(
                () ->
                    root.error(
                        "host",
                        "'"
                            + selfName
                            + "' is not a member (members: "
                            + hypervisors.values().stream()
                                .map(ClusterConfig.Hypervisor::name)
                                .toList()
                            + ")"));
    try {
      ClusterKey.load(keyFile);
    } catch (final IllegalArgumentException e) {
      throw root.error("key-file", e.getMessage());
    }
    return finishLoading(root, file, cluster, self, pods, policy);
  }

  private static AgentConfig finishLoading(
      final YamlMap root,
      final Path file,
      final ClusterConfig cluster,
      final int self,
      final Map<Integer, String> pods,
      final TokenPolicy policy)
      throws ConfigException {
    final YamlMap ovsMap = root.map("ovs");
    ovsMap.allow("bridge", "poll-interval", "command-timeout", "pipeline-table", "max-flows");
    final Ovs ovs =
        new Ovs(
            ovsMap.text("bridge", "br0"),
            ovsMap.duration("poll-interval", Duration.ofSeconds(1), false),
            ovsMap.duration("command-timeout", Duration.ofSeconds(5), false),
            ovsMap.has("pipeline-table")
                ? Optional.of((int) ovsMap.integer("pipeline-table", 4, 4, 254))
                : Optional.empty(),
            (int) ovsMap.integer("max-flows", 1_000_000, 16, 100_000_000));
    ovsMap.finish();
    final YamlMap decisionMap = root.map("decision");
    decisionMap.allow(
        "migration-cost", "probe-timeout", "hold-limit", "candidate-rule", "dirty-rate-samples");
    final String rule = decisionMap.text("candidate-rule", "rack-aware");
    if (!rule.equals("rack-aware") && !rule.equals("paper")) {
      throw decisionMap.error("candidate-rule", "'" + rule + "': use rack-aware or paper");
    }
    final Decisions decisions =
        new Decisions(
            decisionMap.number("migration-cost", 0.1, 0, 1),
            decisionMap.duration("probe-timeout", Duration.ofSeconds(1), false),
            decisionMap.duration("hold-limit", Duration.ofMinutes(5), false),
            rule,
            (int) decisionMap.integer("dirty-rate-samples", 2, 1, 60));
    decisionMap.finish();
    final YamlMap libvirtMap = root.map("libvirt");
    libvirtMap.allow("uri", "call-timeout", "vm-slots");
    final Libvirt libvirt =
        new Libvirt(
            libvirtMap.text("uri", "qemu:///system"),
            libvirtMap.duration("call-timeout", Duration.ofSeconds(30), false),
            (int) libvirtMap.integer("vm-slots", 8, 0, 4096));
    libvirtMap.finish();
    final Migration migration = migration(root.map("migration"));
    final YamlMap metrics = root.map("metrics");
    metrics.allow("address");
    final InetSocketAddress metricsAddress =
        socketAddress(metrics, "address", metrics.text("address", "0.0.0.0:9410"));
    metrics.finish();
    final Path control = Path.of(root.text("control", "/run/score/agent.sock"));
    final boolean dryRun = root.bool("dry-run", false);
    final boolean ringOnly = root.bool("ring-only", false);
    root.finish();
    return new AgentConfig(
        file,
        cluster,
        self,
        pods,
        policy,
        ovs,
        libvirt,
        migration,
        metricsAddress,
        control,
        dryRun,
        decisions,
        ringOnly);
  }

  private static Migration migration(final YamlMap map) throws ConfigException {
    map.allow(
        "deadline-per-gib",
        "max-downtime",
        "objective",
        "bandwidth-per-migration",
        "allow-post-copy",
        "allow-auto-converge",
        "parallel-outbound-migrations-per-node",
        "progress-timeout",
        "completion-timeout-per-gib");
    final Duration deadlinePerGiB = map.duration("deadline-per-gib", Duration.ofSeconds(60), false);
    final Duration maxDowntime = map.duration("max-downtime", Duration.ofMillis(300), false);
    final MigrationGoal.Objective objective;
    try {
      objective = MigrationGoal.Objective.parse(map.text("objective", "min-bandwidth"));
    } catch (final IllegalArgumentException e) {
      throw map.error("objective", e.getMessage());
    }
    Optional<BitRate> bandwidth = Optional.empty();
    final Optional<String> bandwidthText = map.optionalText("bandwidth-per-migration");
    if (bandwidthText.isPresent()) {
      try {
        bandwidth = Optional.of(BitRate.parse(bandwidthText.get()));
      } catch (final IllegalArgumentException e) {
        throw map.error("bandwidth-per-migration", e.getMessage());
      }
    }
    if (objective == MigrationGoal.Objective.MIN_ENERGY && bandwidth.isEmpty()) {
      throw map.error(
          "objective", "min-energy needs bandwidth-per-migration (the path's bandwidth R̄)");
    }
    final Migration migration =
        new Migration(
            deadlinePerGiB,
            maxDowntime,
            objective,
            bandwidth,
            map.bool("allow-post-copy", false),
            map.bool("allow-auto-converge", false),
            (int) map.integer("parallel-outbound-migrations-per-node", 1, 1, 64),
            map.duration("progress-timeout", Duration.ofSeconds(150), false),
            map.duration("completion-timeout-per-gib", Duration.ofSeconds(800), false));
    map.finish();
    return migration;
  }

  private static void member(
      final YamlMap member,
      final Map<Integer, InetSocketAddress> hosts,
      final Map<Integer, String> racks,
      final Map<Integer, String> pods,
      final Map<Integer, ClusterConfig.Hypervisor> hypervisors)
      throws ConfigException {
    member.allow("id", "address", "name", "rack", "pod", "libvirt", "migration");
    if (!member.has("id")) {
      throw member.error("id", "every member needs an id (1.." + RingSettings.MAX_HOST_ID + ")");
    }
    final int id = (int) member.integer("id", 0, 1, RingSettings.MAX_HOST_ID);
    if (hosts.containsKey(id)) {
      throw member.error("id", "host " + id + " is listed twice");
    }
    final InetSocketAddress address =
        socketAddress(member, "address", member.text("address", null));
    final InetSocketAddress unresolved =
        InetSocketAddress.createUnresolved(address.getHostString(), address.getPort());
    if (hosts.containsValue(unresolved)) {
      throw member.error(
          "address", address.getHostString() + ":" + address.getPort() + " is used twice");
    }
    final String host = address.getHostString();
    final String name = member.optionalText("name").orElse(host);
    for (final Map.Entry<Integer, ClusterConfig.Hypervisor> other : hypervisors.entrySet()) {
      if (other.getValue().name().equals(name)) {
        throw member.error("name", "'" + name + "' is also host " + other.getKey() + "'s name");
      }
    }
    final String libvirt = member.text("libvirt", "qemu+tcp://" + host + "/system");
    if (!libvirt.contains(":")) {
      throw member.error("libvirt", "'" + libvirt + "' is not a URI (qemu+tcp://HOST/system)");
    }
    final String migration = member.text("migration", "tcp://" + host);
    if (!migration.matches("(tcp|unix|rdma)://.+")) {
      throw member.error("migration", "'" + migration + "' is not tcp://ADDRESS[:PORT]");
    }
    member.optionalText("rack").ifPresent(rack -> racks.put(id, rack));
    member.optionalText("pod").ifPresent(pod -> pods.put(id, pod));
    member.finish();
    hosts.put(id, unresolved);
    hypervisors.put(id, new ClusterConfig.Hypervisor(name, libvirt, migration));
  }

  private static InetSocketAddress socketAddress(
      final YamlMap map, final String key, final String text) throws ConfigException {
    final Matcher matcher = ADDRESS.matcher(text);
    if (!matcher.matches() || Integer.parseInt(matcher.group(2)) > 65535) {
      throw map.error(key, "'" + text + "' is not ADDRESS:PORT");
    }
    return InetSocketAddress.createUnresolved(matcher.group(1), Integer.parseInt(matcher.group(2)));
  }

  /** The members in file order, for messages. */
  public List<String> memberNames() {
    return new ArrayList<>(
        cluster.hypervisors().values().stream().map(ClusterConfig.Hypervisor::name).toList());
  }
}
