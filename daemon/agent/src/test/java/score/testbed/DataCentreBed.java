package score.testbed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The data-centre test bed of {@code deploy/testbed.sh} (hosts with their own OVS and libvirtd
 * under top-of-rack and aggregation bridges) and its guests, for tests. Needs root.
 */
public final class DataCentreBed implements AutoCloseable {
  /** Where guests' serial logs go: one path on every host, so a log follows its guest. */
  public static final Path GUEST_LOGS = Path.of("/run/score-testbed/guests");

  private DataCentreBed() {}

  /** Takes down any bed left behind, brings up {@code hosts} hosts in {@code racks} racks. */
  public static DataCentreBed up(final int hosts, final int racks) {
    TestBed.run(List.of(TestBed.script("testbed.sh").toString(), "down"), 60);
    // Build (or find cached) the guest image now, under a timeout that allows a first build.
    TestBed.run(List.of(TestBed.script("guest/build.sh").toString()), 600);
    TestBed.run(
        List.of(TestBed.script("testbed.sh").toString(), "up", "" + hosts, "" + racks), 300);
    return new DataCentreBed();
  }

  /** Host {@code host}'s libvirt URI. */
  public String uri(final int host) {
    return TestBed.run(List.of(TestBed.script("testbed.sh").toString(), "uri", "" + host), 10);
  }

  /** Runs {@code command} inside host {@code host}. */
  public TestBed.Result exec(final int host, final List<String> command, final long seconds) {
    final List<String> full =
        new java.util.ArrayList<>(
            List.of(TestBed.script("testbed.sh").toString(), "exec", "" + host));
    full.addAll(command);
    return TestBed.exec(full, seconds);
  }

  /** Runs {@code command} inside the switches' namespace (bridges agg and t1..tR). */
  public TestBed.Result execFabric(final List<String> command, final long seconds) {
    final List<String> full =
        new java.util.ArrayList<>(List.of(TestBed.script("testbed.sh").toString(), "exec", "fab"));
    full.addAll(command);
    return TestBed.exec(full, seconds);
  }

  /**
   * Starts a guest on {@code host} with {@code deploy/testbed.sh guest}: 128 MiB + 8 KiB (the QEMU
   * 7.2 workaround of TESTBED.md), the workload's parameters as {@code tb.KEY=VALUE} kernel
   * arguments. Returns its serial log, which follows it from host to host.
   */
  public Path startGuest(final int host, final String name, final String address, final String tb)
      throws IOException {
    final List<String> command =
        new java.util.ArrayList<>(
            List.of(TestBed.script("testbed.sh").toString(), "guest", "" + host, name, address));
    for (final String parameter : tb.trim().split("\\s+")) {
      if (!parameter.isEmpty()) {
        command.add(parameter);
      }
    }
    // The log's path is the last line (building the image may have said more before it).
    return Path.of(TestBed.run(command, 600).strip().lines().reduce((a, b) -> b).orElseThrow());
  }

  /** Datagrams host {@code host}'s stack got for a port nobody listens on (Udp NoPorts). */
  public long udpNoPorts(final int host) {
    final List<String> lines =
        exec(host, List.of("cat", "/proc/net/snmp"), 10).output().lines().toList();
    for (int i = 0; i + 1 < lines.size(); i++) {
      if (lines.get(i).startsWith("Udp:") && lines.get(i + 1).startsWith("Udp:")) {
        final List<String> names = List.of(lines.get(i).split("\\s+"));
        return Long.parseLong(lines.get(i + 1).split("\\s+")[names.indexOf("NoPorts")]);
      }
    }
    throw new IllegalStateException("no Udp line in /proc/net/snmp of host " + host);
  }

  /** The bed's agent.yaml (members h1..hN with their libvirt and migration URIs). */
  public Path clusterFile() {
    return Path.of(
        TestBed.run(List.of(TestBed.script("testbed.sh").toString(), "config"), 10).strip());
  }

  /** One heartbeat of the test guest: its boot id, sequence number and pages found corrupted. */
  public record Heartbeat(String boot, long sequence, long badPages) {}

  private static final java.util.regex.Pattern BEAT =
      java.util.regex.Pattern.compile("boot=(\\w+) seq=(\\d+) .* bad=(\\d+)");

  /** The guest's last heartbeat, or empty before the first. */
  public static java.util.Optional<Heartbeat> heartbeat(final Path log) throws IOException {
    final java.util.regex.Matcher matcher = BEAT.matcher(lastHeartbeat(log));
    if (!matcher.find()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        new Heartbeat(
            matcher.group(1), Long.parseLong(matcher.group(2)), Long.parseLong(matcher.group(3))));
  }

  /** Waits (up to 60 s) for heartbeat {@code sequence} or a later one, and returns it. */
  public static Heartbeat awaitHeartbeat(final Path log, final long sequence)
      throws IOException, InterruptedException {
    final long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() - deadline < 0) {
      final java.util.Optional<Heartbeat> beat = heartbeat(log);
      if (beat.isPresent() && beat.get().sequence() >= sequence) {
        return beat.get();
      }
      Thread.sleep(200);
    }
    throw new AssertionError("heartbeat " + sequence + " never came: " + log);
  }

  /** The last heartbeat line in a guest's log, or "" before the first. */
  public static String lastHeartbeat(final Path log) throws IOException {
    if (!Files.exists(log)) {
      return "";
    }
    String last = "";
    for (final String line : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
      if (line.contains("score-hb ")) {
        last = line.substring(line.indexOf("score-hb "));
      }
    }
    return last;
  }

  @Override
  public void close() {
    TestBed.run(List.of(TestBed.script("testbed.sh").toString(), "down"), 120);
  }
}
