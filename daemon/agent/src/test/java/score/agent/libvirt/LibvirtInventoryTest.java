package score.agent.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import score.testbed.DataCentreBed;
import score.testbed.TestBed;

/** The libvirt adapter against a real libvirtd with a real guest (test bed host 1). Needs root. */
@Tag("libvirt")
class LibvirtInventoryTest {
  private static DataCentreBed bed;
  private static Path log;

  @BeforeAll
  static void startGuest() throws Exception {
    bed = DataCentreBed.up(1, 1);
    log = bed.startGuest(1, "inv1", "10.210.1.1", "tb.dirty=100 tb.mem=8");
    final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!DataCentreBed.lastHeartbeat(log).contains("seq=2") && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertTrue(DataCentreBed.lastHeartbeat(log).contains("bad=0"), "the guest runs: " + log);
  }

  @AfterAll
  static void stop() {
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  void aRunningGuestShouldBeListedWithItsMacMemoryAndCpus() throws Exception {
    try (LibvirtCalls calls = new LibvirtCalls();
        LibvirtInventory inventory =
            LibvirtInventory.connect(bed.uri(1), Duration.ofSeconds(10), calls)) {
      final List<LibvirtInventory.Vm> vms = inventory.runningVms();
      assertEquals(1, vms.size(), vms.toString());
      final LibvirtInventory.Vm vm = vms.get(0);
      assertEquals("inv1", vm.name());
      assertEquals(List.of("52:54:00:5c:01:01"), vm.macs());
      assertEquals(128L << 20, vm.memoryBytes());
      assertEquals(1, vm.vcpus());
      assertEquals(36, vm.uuid().length());
      assertTrue(inventory.freeMemoryBytes() > 0);
    }
  }

  @Test
  void noLibvirtdShouldBeAClearTypedError() {
    try (LibvirtCalls calls = new LibvirtCalls()) {
      final HypervisorException refused =
          assertThrows(
              HypervisorException.class,
              () ->
                  LibvirtInventory.connect(
                      "qemu+unix:///system?socket=/run/score-testbed/none/libvirt-sock",
                      Duration.ofSeconds(10),
                      calls));
      assertEquals(HypervisorException.Kind.NOT_RUNNING, refused.kind(), refused.getMessage());
      assertTrue(refused.getMessage().contains("/run/score-testbed/none/libvirt-sock"));
      assertEquals(1, calls.failures(HypervisorException.Kind.NOT_RUNNING));
    }
  }

  @Test
  void aHangingLibvirtdShouldTimeOutNotHang() throws Exception {
    final String pid =
        bed.exec(1, List.of("cat", "/run/libvirt/libvirtd.pid"), 10).output().strip();
    try (LibvirtCalls calls = new LibvirtCalls();
        LibvirtInventory inventory =
            LibvirtInventory.connect(bed.uri(1), Duration.ofSeconds(2), calls)) {
      TestBed.run(List.of("kill", "-STOP", pid), 10);
      try {
        final long started = System.nanoTime();
        final HypervisorException hung =
            assertThrows(HypervisorException.class, inventory::runningVms);
        final long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(HypervisorException.Kind.TIMEOUT, hung.kind(), hung.getMessage());
        assertTrue(tookMillis < 5_000, "gave up after " + tookMillis + " ms");
        assertEquals(1, calls.failures(HypervisorException.Kind.TIMEOUT));
      } finally {
        TestBed.run(List.of("kill", "-CONT", pid), 10);
      }
      assertEquals(1, inventory.runningVms().size(), "answers again once libvirtd does");
    }
  }

  private static void awaitCondition(
      final String what, final java.util.function.BooleanSupplier condition) throws Exception {
    final long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(what + " within 20 s");
      }
      Thread.sleep(100);
    }
  }

  @Test
  void theHypervisorPortShouldFollowLifecycleEventsWithAddressesAndTrafficRates() throws Exception {
    final score.agent.config.ClusterConfig cluster =
        score.agent.config.AgentConfig.loadForTools(bed.clusterFile()).cluster();
    try (LibvirtCalls calls = new LibvirtCalls();
        LibvirtHypervisor hypervisor =
            new LibvirtHypervisor(
                cluster,
                1,
                calls,
                // A refresh period far beyond the test: only events can make it see changes.
                new LibvirtHypervisor.Settings(
                    4,
                    Duration.ofMinutes(10),
                    Duration.ofSeconds(10),
                    Duration.ofMillis(500),
                    Duration.ofSeconds(30),
                    Duration.ofMinutes(2)),
                () -> bed.exec(1, List.of("cat", "/proc/net/arp"), 10).output())) {
      hypervisor.start();
      final score.core.port.Hypervisor.Vm first = hypervisor.vms().get(0);
      assertEquals("inv1", first.name());
      assertEquals(128L << 20, first.memoryBytes());
      assertEquals(3, hypervisor.room().freeSlots(), "4 slots, 1 VM");
      assertTrue(hypervisor.room().freeMemoryBytes() > 0);
      // The host learns the guest's address once they exchange packets (its ARP table; the
      // test reads host 1's, the agent its own).
      bed.exec(1, List.of("ping", "-c", "1", "-W", "5", "10.210.1.1"), 10);
      hypervisor.refresh();
      assertEquals(
          (10 << 24) | (210 << 16) | (1 << 8) | 1,
          hypervisor.vms().get(0).ipv4(),
          "10.210.1.1 from the ARP table");
      bed.startGuest(1, "inv2", "10.210.1.2", "tb.peers=10.210.0.1:9000 tb.kbps=400");
      try {
        awaitCondition(
            "the started VM is seen through a lifecycle event",
            () -> hypervisor.vms().stream().anyMatch(vm -> vm.name().equals("inv2")));
        assertEquals(2, hypervisor.room().freeSlots());
        DataCentreBed.awaitHeartbeat(DataCentreBed.GUEST_LOGS.resolve("inv2.log"), 3);
        hypervisor.refresh();
        Thread.sleep(2000); // the rate is measured over this window
        hypervisor.refresh();
        final score.core.port.Hypervisor.Vm sender =
            hypervisor.vms().stream().filter(vm -> vm.name().equals("inv2")).findFirst().get();
        // 400 kbit/s of datagrams is 50,000 B/s from the guest's side.
        assertTrue(
            sender.txBytesPerSecond() > 25_000 && sender.txBytesPerSecond() < 100_000,
            "tx rate " + sender);
      } finally {
        TestBed.run(List.of("virsh", "-c", bed.uri(1), "destroy", "inv2"), 30);
      }
      awaitCondition(
          "the stopped VM is gone through a lifecycle event",
          () -> hypervisor.vms().stream().noneMatch(vm -> vm.name().equals("inv2")));
    }
  }
}
