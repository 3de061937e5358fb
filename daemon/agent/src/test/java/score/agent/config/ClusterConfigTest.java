package score.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Host lines name their hypervisor: name, libvirt URI and migration URI, with defaults. */
class ClusterConfigTest {
  private static ClusterConfig load(final Path dir, final String hosts) throws Exception {
    return ClusterConfig.load(
        Files.writeString(dir.resolve("cluster.conf"), "key-file /k\n" + hosts));
  }

  @Test
  void hostsShouldNameTheirHypervisorsWithDefaultsFromTheAddress(@TempDir final Path dir)
      throws Exception {
    final ClusterConfig config =
        load(
            dir,
            "host 1 10.0.0.1:7400 rack=r1\n"
                + "host 2 10.0.0.2:7400 name=kvm2 libvirt=qemu+tls://kvm2/system"
                + " migration=tcp://10.1.0.2:49152 rack=r1\n");
    assertEquals(
        new ClusterConfig.Hypervisor("10.0.0.1", "qemu+tcp://10.0.0.1/system", "tcp://10.0.0.1"),
        config.hypervisors().get(1));
    assertEquals(
        new ClusterConfig.Hypervisor("kvm2", "qemu+tls://kvm2/system", "tcp://10.1.0.2:49152"),
        config.hypervisors().get(2));
    assertEquals(Optional.of(2), config.hostNamed("kvm2"));
    assertEquals(Optional.of(2), config.hostNamed("2"));
    assertEquals(Optional.of(1), config.hostNamed("10.0.0.1"));
    assertEquals(Optional.empty(), config.hostNamed("kvm9"));
    assertEquals("r1", config.racks().get(2));
  }

  @Test
  void hostsSharingAnAddressShouldBeNamedWithTheirPorts(@TempDir final Path dir) throws Exception {
    final ClusterConfig config = load(dir, "host 1 127.0.0.1:7000\nhost 2 127.0.0.1:7001\n");
    assertEquals("127.0.0.1:7000", config.hypervisors().get(1).name());
    assertEquals("127.0.0.1:7001", config.hypervisors().get(2).name());
  }

  @Test
  void badHostAttributesShouldNameLineAndReason(@TempDir final Path dir) {
    final String[][] cases = {
      {"host 1 10.0.0.1:7400 colour=blue\n", ":2: unknown host attribute 'colour=blue'"},
      {"host 1 10.0.0.1:7400 name=\n", ":2: expected name=VALUE"},
      {"host 1 10.0.0.1:7400 name=a name=b\n", ":2: name= is given twice"},
      {"host 1 10.0.0.1:7400 name=a\nhost 2 10.0.0.2:7400 name=a\n", ":3: name a is also host 1"},
      {"host 1 10.0.0.1:7400 migration=ftp://x\n", "is not a migration URI"},
      {"host 1 10.0.0.1:7400 libvirt=nowhere\n", "is not a URI"},
      {"host 1 10.0.0.1:7400 name=10.0.0.2\nhost 2 10.0.0.2:7400\n", "give it a name="},
    };
    for (final String[] each : cases) {
      final ConfigException bad = assertThrows(ConfigException.class, () -> load(dir, each[0]));
      assertTrue(bad.getMessage().contains(each[1]), each[1] + " in " + bad.getMessage());
    }
  }
}
