package score.agent.ovs;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Open vSwitch through its own command-line tools, run with {@link ProcessBuilder} under a timeout.
 * Output goes to a private temporary file rather than a pipe, so a stalled tool can be killed
 * without a reader thread and a big dump never blocks on a full pipe.
 */
public final class OvsCommandLine implements OvsSwitch, AutoCloseable {
  /** Default limit for one command; {@code ovs-ofctl} also gets it as {@code --timeout}. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  /** Where OVS keeps its pid files unless {@code OVS_RUNDIR} says otherwise. */
  public static final String DEFAULT_RUN_DIR = "/var/run/openvswitch";

  private final Duration timeout;
  private final Path runDir;
  private final Path stdoutFile;
  private final Path stderrFile;
  private byte[] buffer = new byte[1 << 16];

  public OvsCommandLine(final Duration timeout) {
    this.timeout = timeout;
    final String rundir = System.getenv("OVS_RUNDIR");
    this.runDir = Path.of(rundir == null || rundir.isBlank() ? DEFAULT_RUN_DIR : rundir);
    try {
      this.stdoutFile = Files.createTempFile("score-ovs-", ".out");
      this.stderrFile = Files.createTempFile("score-ovs-", ".err");
    } catch (final IOException e) {
      throw new IllegalStateException("cannot create temporary files for OVS output", e);
    }
  }

  /** The binary flow-statistics reader for this switch (same run directory and timeout). */
  public OpenFlowStats openFlowStats() {
    return new OpenFlowStats(runDir, timeout);
  }

  public OvsCommandLine() {
    this(DEFAULT_TIMEOUT);
  }

  @Override
  public Dump dumpFlows(final String bridge) throws OvsException {
    run(List.of("ovs-ofctl", timeoutOption(), "dump-flows", bridge), null, bridge);
    try (InputStream in = Files.newInputStream(stdoutFile)) {
      int length = 0;
      int read;
      while ((read = in.read(buffer, length, buffer.length - length)) >= 0) {
        length += read;
        if (length == buffer.length) {
          buffer = java.util.Arrays.copyOf(buffer, buffer.length * 2);
        }
      }
      return new Dump(buffer, length);
    } catch (final IOException e) {
      throw new OvsException(
          OvsException.Kind.COMMAND_FAILED, "cannot read ovs-ofctl output: " + e.getMessage(), e);
    }
  }

  @Override
  public void addFlows(final String bridge, final List<String> flows) throws OvsException {
    run(
        List.of("ovs-ofctl", timeoutOption(), "add-flows", bridge, "-"),
        String.join("\n", flows) + "\n",
        bridge);
  }

  @Override
  public void deleteFlows(final String bridge, final String match) throws OvsException {
    run(List.of("ovs-ofctl", timeoutOption(), "del-flows", bridge, match), null, bridge);
  }

  /** {@code ovs-vsctl br-exists BRIDGE}. */
  public boolean bridgeExists(final String bridge) throws OvsException {
    try {
      run(List.of("ovs-vsctl", "--timeout=" + timeout.toSeconds(), "br-exists", bridge), null, "");
      return true;
    } catch (final OvsException e) {
      if (e.kind() == OvsException.Kind.COMMAND_FAILED && e.getMessage().contains("exit 2")) {
        return false;
      }
      throw e;
    }
  }

  @Override
  public long vswitchdPid() {
    try {
      final String text =
          Files.readString(runDir.resolve("ovs-vswitchd.pid"), StandardCharsets.US_ASCII).trim();
      return Long.parseLong(text);
    } catch (final IOException | NumberFormatException e) {
      return 0;
    }
  }

  private boolean vswitchdRunning() {
    final long pid = vswitchdPid();
    return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  private String timeoutOption() {
    return "--timeout=" + Math.max(1, timeout.toSeconds());
  }

  private void run(final List<String> command, final String stdin, final String bridge)
      throws OvsException {
    final ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectOutput(stdoutFile.toFile())
            .redirectError(stderrFile.toFile());
    if (stdin == null) {
      builder.redirectInput(new File("/dev/null"));
    }
    final Process process;
    try {
      process = builder.start();
    } catch (final IOException e) {
      throw new OvsException(
          OvsException.Kind.TOOL_MISSING,
          command.get(0)
              + " could not be started ("
              + e.getMessage()
              + "): install openvswitch-switch (deploy/setup-host.sh does)",
          e);
    }
    try {
      if (stdin != null) {
        try (var in = process.getOutputStream()) {
          in.write(stdin.getBytes(StandardCharsets.US_ASCII));
        }
      }
      if (!process.waitFor(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new OvsException(
            OvsException.Kind.TIMEOUT,
            String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s");
      }
    } catch (final IOException e) {
      process.destroyForcibly();
      throw new OvsException(
          OvsException.Kind.COMMAND_FAILED, "writing to " + command.get(0) + " failed", e);
    } catch (final InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new OvsException(OvsException.Kind.TIMEOUT, "interrupted: " + command, e);
    }
    final int exit = process.exitValue();
    if (exit != 0) {
      final OvsException failure = classify(command, exit, readStderr(), bridge);
      // With ovs-vswitchd stopped its bridge sockets vanish too: say which it is.
      if (failure.kind() == OvsException.Kind.BRIDGE_MISSING && !vswitchdRunning()) {
        throw new OvsException(
            OvsException.Kind.SWITCH_UNREACHABLE,
            "Open vSwitch is not running (no live ovs-vswitchd in "
                + runDir
                + "): "
                + failure.getMessage());
      }
      throw failure;
    }
  }

  private String readStderr() {
    try {
      final String text = Files.readString(stderrFile, StandardCharsets.UTF_8).trim();
      return text.length() > 500 ? text.substring(0, 500) + "..." : text;
    } catch (final IOException e) {
      return "(stderr unreadable: " + e.getMessage() + ")";
    }
  }

  /** Turns a tool's complaint into a reason an operator can act on. */
  static OvsException classify(
      final List<String> command, final int exit, final String stderr, final String bridge) {
    final String lower = stderr.toLowerCase(Locale.ROOT);
    final String tool = command.get(0);
    if (lower.contains("is not a bridge or a socket") || lower.contains("no bridge named")) {
      return new OvsException(
          OvsException.Kind.BRIDGE_MISSING,
          "bridge '" + bridge + "' does not exist (" + tool + ": " + stderr + ")");
    }
    if (lower.contains("failed to connect")
        || lower.contains("failed to open socket")
        || lower.contains("connection refused")
        || lower.contains("database connection failed")
        || (lower.contains("no such file or directory") && lower.contains(".mgmt"))) {
      return new OvsException(
          OvsException.Kind.SWITCH_UNREACHABLE,
          "Open vSwitch is not running or not reachable (" + tool + ": " + stderr + ")");
    }
    if (lower.contains("timeout") || lower.contains("timed out") || exit == 142) {
      return new OvsException(
          OvsException.Kind.TIMEOUT, tool + " timed out talking to Open vSwitch: " + stderr);
    }
    final List<String> shown = new ArrayList<>(command);
    return new OvsException(
        OvsException.Kind.COMMAND_FAILED,
        String.join(" ", shown) + " failed (exit " + exit + "): " + stderr);
  }

  @Override
  public void close() {
    try {
      Files.deleteIfExists(stdoutFile);
      Files.deleteIfExists(stderrFile);
    } catch (final IOException e) {
      // Temporary files in the temp folder; nothing else to do.
      System.getLogger(OvsCommandLine.class.getName())
          .log(System.Logger.Level.DEBUG, "cannot delete temporary files", e);
    }
  }
}
