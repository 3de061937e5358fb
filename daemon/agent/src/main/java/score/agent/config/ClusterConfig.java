package score.agent.config;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import score.core.plan.DurationText;
import score.core.ring.RingSettings;

/**
 * The cluster file every agent reads: who the hosts are, where they listen, the cluster key and the
 * ring's timing. One setting per line, {@code #} starts a comment; durations as {@link
 * DurationText} reads them:
 *
 * <pre>
 * key-file /etc/score/cluster.key
 * heartbeat 1s            lease 3s           ack-timeout 500ms
 * rotation-base 10s       rotation-per-host 200ms
 * idle-rotation 10s
 * host 1 10.0.0.1:7400 rack=r1
 * host 2 10.0.0.2:7400 rack=r1 name=kvm2 libvirt=qemu+tls://kvm2/system migration=tcp://10.1.0.2
 * </pre>
 *
 * <p>A host line's optional attributes: {@code rack=} its top-of-rack switch, {@code name=} how
 * operators call it (default: its address), {@code libvirt=} its libvirtd's URI (default {@code
 * qemu+tcp://ADDRESS/system}), {@code migration=} where migration streams to it go (default {@code
 * tcp://ADDRESS}, QEMU's own connection).
 *
 * @param hosts host id to its agent's address, in file order
 * @param racks host id to its topology position (rack name), when given
 * @param hypervisors host id to how its libvirtd is reached, for every host
 * @param idleRotation how long the token takes to go round a ring with nothing to decide
 */
public record ClusterConfig(
    Path keyFile,
    Map<Integer, InetSocketAddress> hosts,
    Map<Integer, String> racks,
    Map<Integer, Hypervisor> hypervisors,
    Duration heartbeat,
    Duration lease,
    Duration ackTimeout,
    Duration rotationBase,
    Duration rotationPerHost,
    double clockDrift,
    Duration idleRotation) {

  /**
   * How a host's hypervisor is reached.
   *
   * @param name the host's name for operators ({@code score migrate VM --to NAME})
   * @param libvirtUri its libvirtd
   * @param migrationUri where QEMU's migration stream to it goes
   */
  public record Hypervisor(String name, String libvirtUri, String migrationUri) {}

  /** The host called {@code nameOrId} (its name or its id), if any. */
  public java.util.Optional<Integer> hostNamed(final String nameOrId) {
    for (final Map.Entry<Integer, Hypervisor> host : hypervisors.entrySet()) {
      if (host.getValue().name().equals(nameOrId) || host.getKey().toString().equals(nameOrId)) {
        return java.util.Optional.of(host.getKey());
      }
    }
    return java.util.Optional.empty();
  }

  /** Default of {@code idle-rotation}: an idle token visits each of 10 hosts once a second. */
  public static final Duration DEFAULT_IDLE_ROTATION = Duration.ofSeconds(10);

  private static final Pattern ADDRESS = Pattern.compile("(.+):(\\d{1,5})");

  /** The ring settings for host {@code self}. */
  public RingSettings ringSettings(final int self) {
    return new RingSettings(
        self,
        new ArrayList<>(hosts.keySet()),
        rotationBase,
        rotationPerHost,
        heartbeat,
        ackTimeout,
        lease,
        clockDrift,
        fingerprint());
  }

  /**
   * A digest of what every host must agree on: the members and their addresses, and the ring's
   * timing (the lease argument assumes one lease time everywhere). Not the key file's path, which
   * may differ per host, nor the idle pace. Never 0.
   */
  public long fingerprint() {
    final StringBuilder canonical = new StringBuilder();
    hosts.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            host ->
                canonical
                    .append("host ")
                    .append(host.getKey())
                    .append(' ')
                    .append(host.getValue().getHostString())
                    .append(':')
                    .append(host.getValue().getPort())
                    .append('\n'));
    canonical
        .append("heartbeat ")
        .append(heartbeat.toNanos())
        .append("\nlease ")
        .append(lease.toNanos())
        .append("\nack-timeout ")
        .append(ackTimeout.toNanos())
        .append("\nrotation ")
        .append(rotationBase.toNanos())
        .append(' ')
        .append(rotationPerHost.toNanos())
        .append("\nclock-drift ")
        .append(Double.doubleToLongBits(clockDrift))
        .append('\n');
    try {
      final byte[] digest =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
      final long value = java.nio.ByteBuffer.wrap(digest).getLong();
      return value == 0 ? 1 : value;
    } catch (final java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /** How long an idle holder keeps the token: the idle rotation shared among the hosts. */
  public Duration idleHold() {
    return idleRotation.dividedBy(hosts.size());
  }

  /** Reads and checks {@code file}; every error names the file, the line and the reason. */
  public static ClusterConfig load(final Path file) throws ConfigException {
    final List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (final IOException e) {
      throw new ConfigException(file + ": cannot read: " + FileErrors.reason(e));
    }
    Path keyFile = null;
    final Map<Integer, InetSocketAddress> hosts = new LinkedHashMap<>();
    final Map<Integer, String> racks = new LinkedHashMap<>();
    final Map<Integer, Hypervisor> hypervisors = new LinkedHashMap<>();
    Duration heartbeat = Duration.ofSeconds(1);
    Duration lease = Duration.ofSeconds(3);
    Duration ackTimeout = Duration.ofMillis(500);
    Duration rotationBase = Duration.ofSeconds(10);
    Duration rotationPerHost = Duration.ofMillis(200);
    double clockDrift = 0.05;
    Duration idleRotation = DEFAULT_IDLE_ROTATION;
    for (int number = 1; number <= lines.size(); number++) {
      final String line = lines.get(number - 1).replaceAll("#.*", "").trim();
      if (line.isEmpty()) {
        continue;
      }
      final String where = file + ":" + number + ": ";
      final String[] words = line.split("\\s+");
      switch (words[0]) {
        case "key-file" -> keyFile = Path.of(one(words, where));
        case "heartbeat" -> heartbeat = duration(one(words, where), where);
        case "lease" -> lease = duration(one(words, where), where);
        case "ack-timeout" -> ackTimeout = duration(one(words, where), where);
        case "rotation-base" -> rotationBase = duration(one(words, where), where);
        case "rotation-per-host" -> rotationPerHost = duration(one(words, where), where);
        case "clock-drift" -> clockDrift = fraction(one(words, where), where);
        case "idle-rotation" -> idleRotation = duration(one(words, where), where, true);
        case "host" -> host(words, where, hosts, racks, hypervisors);
        default -> throw new ConfigException(where + "unknown setting '" + words[0] + "'");
      }
    }
    nameUnnamedHosts(file, hosts, hypervisors);
    if (keyFile == null) {
      throw new ConfigException(file + ": no key-file line (the cluster key every host shares)");
    }
    if (hosts.isEmpty()) {
      throw new ConfigException(file + ": no host lines");
    }
    final ClusterConfig config =
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
      config.ringSettings(hosts.keySet().iterator().next());
    } catch (final IllegalArgumentException e) {
      throw new ConfigException(file + ": " + e.getMessage());
    }
    return config;
  }

  /** Hosts without name= are called by their address, or ADDRESS:PORT where addresses repeat. */
  private static void nameUnnamedHosts(
      final Path file,
      final Map<Integer, InetSocketAddress> hosts,
      final Map<Integer, Hypervisor> hypervisors)
      throws ConfigException {
    final Map<String, Integer> addressCount = new java.util.HashMap<>();
    hosts.values().forEach(address -> addressCount.merge(address.getHostString(), 1, Integer::sum));
    final Map<String, Integer> taken = new java.util.HashMap<>();
    for (final Map.Entry<Integer, Hypervisor> host : hypervisors.entrySet()) {
      if (!host.getValue().name().isEmpty()) {
        taken.put(host.getValue().name(), host.getKey());
      }
    }
    for (final Map.Entry<Integer, Hypervisor> host : hypervisors.entrySet()) {
      if (!host.getValue().name().isEmpty()) {
        continue;
      }
      final InetSocketAddress address = hosts.get(host.getKey());
      final String name =
          addressCount.get(address.getHostString()) == 1
              ? address.getHostString()
              : address.getHostString() + ":" + address.getPort();
      final Integer other = taken.putIfAbsent(name, host.getKey());
      if (other != null) {
        throw new ConfigException(
            file
                + ": host "
                + host.getKey()
                + " would be called "
                + name
                + ", which is host "
                + other
                + "'s name: give it a name=");
      }
      host.setValue(
          new Hypervisor(name, host.getValue().libvirtUri(), host.getValue().migrationUri()));
    }
  }

  private static String one(final String[] words, final String where) throws ConfigException {
    if (words.length != 2) {
      throw new ConfigException(where + "'" + words[0] + "' takes exactly one value");
    }
    return words[1];
  }

  private static Duration duration(final String text, final String where) throws ConfigException {
    return duration(text, where, false);
  }

  private static Duration duration(final String text, final String where, final boolean zeroAllowed)
      throws ConfigException {
    final Duration duration;
    try {
      duration = DurationText.parse(text);
    } catch (final IllegalArgumentException e) {
      throw new ConfigException(where + e.getMessage());
    }
    if (duration.isZero() && !zeroAllowed) {
      throw new ConfigException(where + "duration must be positive");
    }
    return duration;
  }

  private static double fraction(final String text, final String where) throws ConfigException {
    try {
      final double value = Double.parseDouble(text);
      if (value < 0 || value >= 0.5) {
        throw new ConfigException(where + "clock-drift must be in [0, 0.5): " + text);
      }
      return value;
    } catch (final NumberFormatException e) {
      throw new ConfigException(where + "'" + text + "' is not a number");
    }
  }

  private static void host(
      final String[] words,
      final String where,
      final Map<Integer, InetSocketAddress> hosts,
      final Map<Integer, String> racks,
      final Map<Integer, Hypervisor> hypervisors)
      throws ConfigException {
    if (words.length < 3) {
      throw new ConfigException(
          where
              + "expected: host ID ADDRESS:PORT [rack=NAME] [name=NAME] [libvirt=URI]"
              + " [migration=URI]");
    }
    final int id;
    try {
      id = Integer.parseInt(words[1]);
    } catch (final NumberFormatException e) {
      throw new ConfigException(where + "host id '" + words[1] + "' is not a number");
    }
    if (id < 1 || id > RingSettings.MAX_HOST_ID) {
      throw new ConfigException(where + "host id must be 1.." + RingSettings.MAX_HOST_ID);
    }
    if (hosts.containsKey(id)) {
      throw new ConfigException(where + "host " + id + " is listed twice");
    }
    final Matcher address = ADDRESS.matcher(words[2]);
    if (!address.matches() || Integer.parseInt(address.group(2)) > 65535) {
      throw new ConfigException(where + "'" + words[2] + "' is not ADDRESS:PORT");
    }
    final InetSocketAddress socket =
        InetSocketAddress.createUnresolved(address.group(1), Integer.parseInt(address.group(2)));
    if (hosts.containsValue(socket)) {
      throw new ConfigException(where + "address " + words[2] + " is used twice");
    }
    final String host = address.group(1);
    final Map<String, String> attributes = new LinkedHashMap<>();
    for (int i = 3; i < words.length; i++) {
      final int equals = words[i].indexOf('=');
      final String key = equals < 0 ? words[i] : words[i].substring(0, equals);
      if (!List.of("rack", "name", "libvirt", "migration").contains(key)) {
        throw new ConfigException(
            where
                + "unknown host attribute '"
                + words[i]
                + "' (rack=, name=, libvirt=, migration=)");
      }
      if (equals < 0 || equals == words[i].length() - 1) {
        throw new ConfigException(where + "expected " + key + "=VALUE, got '" + words[i] + "'");
      }
      if (attributes.put(key, words[i].substring(equals + 1)) != null) {
        throw new ConfigException(where + key + "= is given twice");
      }
    }
    // Without name=, the address names the host; load() adds the port where addresses repeat.
    final String name = attributes.getOrDefault("name", "");
    for (final Map.Entry<Integer, Hypervisor> other : hypervisors.entrySet()) {
      if (!name.isEmpty() && other.getValue().name().equals(name)) {
        throw new ConfigException(
            where + "name " + name + " is also host " + other.getKey() + "'s");
      }
    }
    final String libvirt = attributes.getOrDefault("libvirt", "qemu+tcp://" + host + "/system");
    final String migration = attributes.getOrDefault("migration", "tcp://" + host);
    if (!libvirt.contains(":")) {
      throw new ConfigException(where + "libvirt=" + libvirt + " is not a URI (qemu+tcp://...)");
    }
    if (!migration.matches("(tcp|unix|rdma)://.+")) {
      throw new ConfigException(
          where + "migration=" + migration + " is not a migration URI (tcp://ADDRESS[:PORT])");
    }
    hosts.put(id, socket);
    if (attributes.containsKey("rack")) {
      racks.put(id, attributes.get("rack"));
    }
    hypervisors.put(id, new Hypervisor(name, libvirt, migration));
  }
}
