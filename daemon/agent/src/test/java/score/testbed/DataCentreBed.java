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

  private final Path guest;

  private DataCentreBed(final Path guest) {
    this.guest = guest;
  }

  /** Takes down any bed left behind, brings up {@code hosts} hosts in {@code racks} racks. */
  public static DataCentreBed up(final int hosts, final int racks) {
    TestBed.run(List.of(TestBed.script("testbed.sh").toString(), "down"), 60);
    final Path guest =
        Path.of(
            TestBed.run(List.of(TestBed.script("guest/build.sh").toString()), 600)
                .lines()
                .reduce((first, last) -> last)
                .orElseThrow());
    TestBed.run(
        List.of(TestBed.script("testbed.sh").toString(), "up", "" + hosts, "" + racks), 300);
    return new DataCentreBed(guest);
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

  /**
   * Starts a guest on {@code host}: 128 MiB + 8 KiB (the QEMU 7.2 workaround of TESTBED.md), the
   * workload's parameters as {@code tb.*} kernel arguments, its serial log under {@link
   * #GUEST_LOGS}.
   */
  public Path startGuest(
      final int host, final String name, final String address, final int index, final String tb)
      throws IOException {
    Files.createDirectories(GUEST_LOGS);
    final Path log = GUEST_LOGS.resolve(name + ".log");
    Files.deleteIfExists(log);
    final String mac = String.format("52:54:00:5c:%02x:%02x", (index >> 8) & 0xFF, index & 0xFF);
    final String xml =
        "<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>\n"
            + "  <name>"
            + name
            + "</name>\n"
            + "  <memory unit='KiB'>131072</memory>\n"
            + "  <vcpu>1</vcpu>\n"
            + "  <os>\n"
            + "    <type arch='x86_64' machine='pc'>hvm</type>\n"
            + "    <kernel>"
            + guest.resolve("vmlinuz")
            + "</kernel>\n"
            + "    <initrd>"
            + guest.resolve("initrd.img")
            + "</initrd>\n"
            + "    <cmdline>console=ttyS0 panic=-1 quiet tb.ip="
            + address
            + "/16 "
            + tb
            + "</cmdline>\n"
            + "  </os>\n"
            + "  <on_reboot>destroy</on_reboot>\n"
            + "  <devices>\n"
            + "    <interface type='network'><source network='score'/><mac address='"
            + mac
            + "'/><model type='virtio'/><driver name='qemu'><host csum='off' gso='off'"
            + " tso4='off' tso6='off' ecn='off' ufo='off'/><guest csum='off' tso4='off'"
            + " tso6='off' ecn='off' ufo='off'/></driver></interface>\n"
            + "    <serial type='pty'><log file='"
            + log
            + "' append='on'/></serial>\n"
            + "    <console type='pty'/>\n"
            + "    <memballoon model='none'/>\n"
            + "  </devices>\n"
            + "  <qemu:commandline>\n"
            + "    <qemu:arg value='-object'/>"
            + "<qemu:arg value='memory-backend-ram,id=ram1,size=131080K'/>\n"
            + "    <qemu:arg value='-machine'/><qemu:arg value='memory-backend=ram1'/>\n"
            + "    <qemu:arg value='-m'/><qemu:arg value='131080K'/>\n"
            + "  </qemu:commandline>\n"
            + "</domain>\n";
    final Path file = Files.createTempFile("score-guest-", ".xml");
    try {
      Files.writeString(file, xml, StandardCharsets.UTF_8);
      TestBed.run(List.of("virsh", "-c", uri(host), "create", file.toString()), 60);
    } finally {
      Files.deleteIfExists(file);
    }
    return log;
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
