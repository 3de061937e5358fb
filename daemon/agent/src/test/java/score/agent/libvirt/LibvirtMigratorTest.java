package score.agent.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import score.testbed.DataCentreBed;

/**
 * A live migration through the adapter across racks of the real test bed (h1 in rack 1 to h3 in
 * rack 2): it completes at the requested bandwidth, the guest's heartbeat goes on on the
 * destination with the same boot id and no lost page, and the VM runs on exactly one host.
 */
@Tag("libvirt")
class LibvirtMigratorTest {
  private static final Pattern BEAT = Pattern.compile("boot=(\\w+) seq=(\\d+) .* bad=(\\d+)");
  private static DataCentreBed bed;

  @BeforeAll
  static void up() {
    bed = DataCentreBed.up(4, 2);
  }

  @AfterAll
  static void down() {
    if (bed != null) {
      bed.close();
    }
  }

  private static Matcher beat(final Path log) throws Exception {
    final Matcher matcher = BEAT.matcher(DataCentreBed.lastHeartbeat(log));
    assertTrue(matcher.find(), "no heartbeat in " + log);
    return matcher;
  }

  private static void awaitSequence(final Path log, final long sequence) throws Exception {
    final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      final Matcher matcher = BEAT.matcher(DataCentreBed.lastHeartbeat(log));
      if (matcher.find() && Long.parseLong(matcher.group(2)) >= sequence) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("heartbeat " + sequence + " never came: " + log);
  }

  @Test
  void aLiveMigrationAcrossRacksShouldKeepTheGuestAlive() throws Exception {
    final Path log = bed.startGuest(1, "mig1", "10.210.1.1", "tb.dirty=1000 tb.mem=40");
    awaitSequence(log, 3);
    final Matcher before = beat(log);
    final String boot = before.group(1);
    final long sequenceBefore = Long.parseLong(before.group(2));
    final List<LibvirtMigrator.Progress> progress =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    try (LibvirtCalls calls = new LibvirtCalls()) {
      final LibvirtMigrator.Outcome outcome =
          new LibvirtMigrator(calls, Duration.ofSeconds(10))
              .migrate(
                  new LibvirtMigrator.Request(
                      "mig1",
                      bed.uri(1),
                      bed.uri(3),
                      "tcp://10.210.0.3",
                      32L << 20,
                      Duration.ofMillis(300),
                      false,
                      false,
                      false,
                      Duration.ofSeconds(120),
                      Duration.ofSeconds(30)),
                  Duration.ofMillis(500),
                  (now, steering) -> progress.add(now));
      assertTrue(outcome.succeeded(), outcome.why());
      assertTrue(progress.size() >= 3, "progress every 500 ms of a 4 s migration: " + progress);
      final LibvirtMigrator.Progress first = progress.get(0);
      final LibvirtMigrator.Progress last = progress.get(progress.size() - 1);
      assertTrue(last.dataProcessedBytes() > first.dataProcessedBytes(), "data moves: " + progress);
      assertTrue(
          progress.stream().anyMatch(now -> now.dataRemainingBytes() > 0),
          "data remaining is reported (the first report may come before the job's setup): "
              + progress);
      assertTrue(outcome.dataProcessedBytes() > 100L << 20, "moved " + outcome);
      assertTrue(outcome.elapsedMillis() > 2_000, "at 32 MiB/s it takes seconds: " + outcome);
      System.out.println("migration across racks: " + outcome);
      try (LibvirtInventory source =
              LibvirtInventory.connect(bed.uri(1), Duration.ofSeconds(10), calls);
          LibvirtInventory destination =
              LibvirtInventory.connect(bed.uri(3), Duration.ofSeconds(10), calls)) {
        assertEquals(List.of(), source.runningVms(), "gone from the source");
        assertEquals("mig1", destination.runningVms().get(0).name(), "running on h3");
      }
    }
    awaitSequence(log, sequenceBefore + 8);
    final Matcher after = beat(log);
    assertEquals(boot, after.group(1), "same boot: no reboot");
    assertEquals("0", after.group(3), "no page lost or corrupted");
  }

  /** QEMU processes of {@code vm} inside host {@code host}'s network namespace. */
  private static List<String> qemuPids(final int host, final String vm) {
    final String pids =
        score.testbed.TestBed.run(List.of("ip", "netns", "pids", "sc-h" + host), 10);
    final List<String> found = new java.util.ArrayList<>();
    for (final String pid : pids.split("\\s+")) {
      if (pid.isBlank()) {
        continue;
      }
      try {
        final String cmdline =
            java.nio.file.Files.readString(Path.of("/proc", pid, "cmdline")).replace('\0', ' ');
        if (cmdline.contains("qemu-system") && cmdline.contains("guest=" + vm)) {
          found.add(pid);
        }
      } catch (final java.io.IOException gone) {
        // the process ended meanwhile
      }
    }
    return found;
  }

  @Test
  void aDestinationQemuKilledMidwayShouldLeaveTheGuestRunningOnTheSource() throws Exception {
    final Path log = bed.startGuest(2, "mig2", "10.210.1.2", "tb.dirty=500 tb.mem=40");
    awaitSequence(log, 3);
    final String boot = beat(log).group(1);
    final java.util.concurrent.atomic.AtomicBoolean killed =
        new java.util.concurrent.atomic.AtomicBoolean();
    try (LibvirtCalls calls = new LibvirtCalls()) {
      final LibvirtMigrator.Outcome outcome =
          new LibvirtMigrator(calls, Duration.ofSeconds(10))
              .migrate(
                  new LibvirtMigrator.Request(
                      "mig2",
                      bed.uri(2),
                      bed.uri(4),
                      "tcp://10.210.0.4",
                      4L << 20,
                      Duration.ofMillis(300),
                      false,
                      false,
                      false,
                      Duration.ofSeconds(120),
                      Duration.ofSeconds(30)),
                  Duration.ofMillis(500),
                  (progress, steering) -> {
                    if (!killed.get() && progress.dataProcessedBytes() > 4L << 20) {
                      for (final String pid : qemuPids(4, "mig2")) {
                        score.testbed.TestBed.run(List.of("kill", "-9", pid), 10);
                        killed.set(true);
                      }
                    }
                  });
      assertTrue(killed.get(), "the destination's QEMU was killed mid-migration");
      assertTrue(!outcome.succeeded(), "the migration failed: " + outcome);
      System.out.println("destination QEMU killed: " + outcome);
      try (LibvirtInventory source =
              LibvirtInventory.connect(bed.uri(2), Duration.ofSeconds(10), calls);
          LibvirtInventory destination =
              LibvirtInventory.connect(bed.uri(4), Duration.ofSeconds(10), calls)) {
        assertEquals("mig2", source.runningVms().get(0).name(), "still on the source");
        assertEquals(List.of(), destination.runningVms(), "nothing left on the destination");
      }
    }
    final long sequence = Long.parseLong(beat(log).group(2));
    awaitSequence(log, sequence + 3);
    assertEquals(boot, beat(log).group(1), "the guest never rebooted");
    assertEquals("0", beat(log).group(3));
  }

  @Test
  void theSpeedShouldChangeWhileItRunsAndTheDirtyRateBeMeasuredBySampling() throws Exception {
    final Path log = bed.startGuest(3, "mig3", "10.210.1.3", "tb.dirty=2000 tb.mem=40");
    awaitSequence(log, 3);
    final String boot = beat(log).group(1);
    try (LibvirtCalls calls = new LibvirtCalls()) {
      try (NativeDomain domain =
          NativeDomain.open(calls, Duration.ofSeconds(10), bed.uri(3), "mig3")) {
        final long bytesPerSecond = domain.measureDirtyRate(Duration.ofSeconds(2)).orElseThrow();
        final double pagesPerSecond = bytesPerSecond / 4096.0;
        System.out.println("page sampling: " + pagesPerSecond + " pages/s for 2,000 dirtied");
        // libvirt samples 512 pages per GiB and reports whole MiB/s: a coarse but live figure.
        assertTrue(pagesPerSecond >= 256 && pagesPerSecond <= 8000, "dirty rate " + pagesPerSecond);
      }
      final java.util.concurrent.atomic.AtomicBoolean raised =
          new java.util.concurrent.atomic.AtomicBoolean();
      final LibvirtMigrator.Outcome outcome =
          new LibvirtMigrator(calls, Duration.ofSeconds(10))
              .migrate(
                  new LibvirtMigrator.Request(
                      "mig3",
                      bed.uri(3),
                      bed.uri(1),
                      "tcp://10.210.0.1",
                      2L << 20,
                      Duration.ofMillis(300),
                      false,
                      false,
                      false,
                      Duration.ofSeconds(120),
                      Duration.ofSeconds(30)),
                  Duration.ofMillis(500),
                  (progress, steering) -> {
                    if (!raised.get() && progress.dataProcessedBytes() > 2L << 20) {
                      steering.setBandwidth(64L << 20);
                      raised.set(true);
                    }
                  });
      assertTrue(raised.get(), "the bandwidth was raised mid-flight");
      assertTrue(outcome.succeeded(), outcome.why());
      // At 2 MiB/s the 128 MiB guest would take over a minute; raised to 64 MiB/s, seconds.
      assertTrue(outcome.elapsedMillis() < 30_000, "faster after the change: " + outcome);
    }
    awaitSequence(log, Long.parseLong(beat(log).group(2)) + 3);
    assertEquals(boot, beat(log).group(1));
    assertEquals("0", beat(log).group(3));
  }
}
