package score.testbed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real test bed for tests: an OVS userspace bridge and hosts in network namespaces, made by the
 * project's own {@code deploy/ovs-bed.sh}. Traffic stays between these namespaces.
 */
public final class TestBed implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String bridge;
  private final String subnet;

  private TestBed(final String bridge, final String subnet) {
    this.bridge = bridge;
    this.subnet = subnet;
  }

  /** Creates bridge {@code bridge} with {@code hosts} hosts at {@code subnet.1 ..}. */
  public static TestBed up(final String bridge, final int hosts, final String subnet) {
    requireOvs();
    run(List.of(script("ovs-bed.sh").toString(), "down", bridge), 60);
    run(List.of(script("ovs-bed.sh").toString(), "up", bridge, "" + hosts, subnet), 60);
    return new TestBed(bridge, subnet);
  }

  public String bridge() {
    return bridge;
  }

  /** Address of host {@code i} (1-based). */
  public String address(final int host) {
    return subnet + "." + host;
  }

  public String namespace(final int host) {
    return bridge + "-h" + host;
  }

  /** Fails loudly, with the fix, when Open vSwitch is not there. */
  public static void requireOvs() {
    final Result result = exec(List.of("ovs-vsctl", "--timeout=5", "show"), 10);
    if (result.exit() != 0) {
      throw new IllegalStateException(
          "Open vSwitch is not running (ovs-vsctl show: "
              + result.output()
              + "); run deploy/setup-host.sh as root first");
    }
  }

  /** Runs {@code command} inside host {@code host}'s namespace. */
  public Result inHost(final int host, final List<String> command, final long timeoutSeconds) {
    final List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace(host)));
    full.addAll(command);
    return exec(full, timeoutSeconds);
  }

  /** What iperf3 reported. */
  public record Iperf(long sentBytes, long receivedBytes, long sentPackets, long lostPackets) {}

  /** iperf3 TCP from host {@code client} to host {@code server} for {@code seconds}. */
  public Iperf tcp(final int client, final int server, final int seconds, final int port) {
    final JsonNode end = iperf(client, server, seconds, port, List.of());
    return new Iperf(
        end.path("sum_sent").path("bytes").asLong(),
        end.path("sum_received").path("bytes").asLong(),
        -1,
        0);
  }

  /** iperf3 UDP at {@code bitsPerSecond} from {@code client} to {@code server}. */
  public Iperf udp(
      final int client,
      final int server,
      final int seconds,
      final int port,
      final long bitsPerSecond) {
    final JsonNode end =
        iperf(client, server, seconds, port, List.of("-u", "-b", "" + bitsPerSecond));
    final JsonNode sum = end.path("sum");
    final long sent = sum.path("bytes").asLong();
    final long packets = sum.path("packets").asLong();
    final long lost = sum.path("lost_packets").asLong();
    final long received = packets == 0 ? 0 : sent * (packets - lost) / packets;
    return new Iperf(sent, received, packets, lost);
  }

  private JsonNode iperf(
      final int client,
      final int server,
      final int seconds,
      final int port,
      final List<String> extra) {
    final Result serverStart =
        inHost(server, List.of("iperf3", "-s", "-D", "-1", "-p", "" + port), 10);
    if (serverStart.exit() != 0) {
      throw new IllegalStateException("iperf3 server did not start: " + serverStart.output());
    }
    final List<String> command =
        new ArrayList<>(
            List.of("iperf3", "-J", "-c", address(server), "-p", "" + port, "-t", "" + seconds));
    command.addAll(extra);
    Result result = null;
    for (int attempt = 0; attempt < 10; attempt++) {
      result = inHost(client, command, seconds + 30L);
      if (result.exit() == 0) {
        break;
      }
      sleepMillis(200);
    }
    try {
      final JsonNode report = JSON.readTree(result.output());
      if (result.exit() != 0 || report.has("error")) {
        throw new IllegalStateException("iperf3 failed: " + result.output());
      }
      return report.path("end");
    } catch (final IOException e) {
      throw new IllegalStateException("iperf3 printed no JSON: " + result.output(), e);
    }
  }

  @Override
  public void close() {
    run(List.of(script("ovs-bed.sh").toString(), "down", bridge), 60);
  }

  /** Exit code and merged output of a command. */
  public record Result(int exit, String output) {}

  /** Runs a command and returns its exit code and merged output. */
  public static Result exec(final List<String> command, final long timeoutSeconds) {
    try {
      final Path output = Files.createTempFile("score-test-", ".out");
      try {
        final Process process =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException(command + " timed out after " + timeoutSeconds + " s");
        }
        return new Result(
            process.exitValue(), Files.readString(output, StandardCharsets.UTF_8).trim());
      } finally {
        Files.deleteIfExists(output);
      }
    } catch (final IOException e) {
      throw new IllegalStateException("cannot run " + command + ": " + e.getMessage(), e);
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command, e);
    }
  }

  /** Runs a command that must succeed. */
  public static String run(final List<String> command, final long timeoutSeconds) {
    final Result result = exec(command, timeoutSeconds);
    if (result.exit() != 0) {
      throw new IllegalStateException(
          command + " failed (exit " + result.exit() + "): " + result.output());
    }
    return result.output();
  }

  /** A script under the checkout's {@code deploy/}. */
  public static Path script(final String name) {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      final Path candidate = dir.resolve("deploy").resolve(name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(
        "deploy/" + name + " not found above " + Path.of("").toAbsolutePath());
  }

  public static void sleepMillis(final long millis) {
    try {
      Thread.sleep(millis);
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
