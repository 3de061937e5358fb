package score.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import score.core.plan.MigrationGoal;
import score.protocol.ClusterKey;
import score.protocol.TokenPolicy;

/** agent.yaml: every setting read with its default, every mistake named with its position. */
class AgentConfigTest {
  @TempDir Path dir;
  private Path key;

  @BeforeEach
  void key() throws Exception {
    key = Files.writeString(dir.resolve("cluster.key"), ClusterKey.generate().toHex());
  }

  private String minimal() {
    return "host: kvm1\n"
        + "key-file: "
        + key
        + "\n"
        + "members:\n"
        + "  - id: 1\n"
        + "    name: kvm1\n"
        + "    address: 10.0.0.1:7400\n"
        + "  - id: 2\n"
        + "    address: 10.0.0.2:7400\n";
  }

  private AgentConfig load(final String yaml) throws Exception {
    return AgentConfig.load(Files.writeString(dir.resolve("agent.yaml"), yaml), Optional.empty());
  }

  @Test
  void aMinimalFileShouldGetTheDocumentedDefaults() throws Exception {
    final AgentConfig config = load(minimal());
    assertEquals(1, config.self());
    assertEquals("10.0.0.2", config.cluster().hypervisors().get(2).name());
    assertEquals("qemu+tcp://10.0.0.2/system", config.cluster().hypervisors().get(2).libvirtUri());
    assertEquals(TokenPolicy.LOAD_AWARE, config.policy());
    assertEquals("br0", config.ovs().bridge());
    assertEquals(Duration.ofSeconds(1), config.ovs().pollInterval());
    assertEquals("qemu:///system", config.libvirt().uri());
    assertEquals(8, config.libvirt().vmSlots());
    assertEquals(Duration.ofMillis(300), config.migration().maxDowntime());
    assertEquals(MigrationGoal.Objective.MIN_BANDWIDTH, config.migration().objective());
    assertEquals(1, config.migration().parallelOutboundMigrationsPerNode());
    assertEquals(9410, config.metricsAddress().getPort());
    assertEquals(Path.of("/run/score/agent.sock"), config.controlSocket());
    assertEquals(false, config.dryRun());
    assertEquals(Duration.ofSeconds(1), config.cluster().heartbeat());
  }

  @Test
  void everySettingShouldBeRead() throws Exception {
    final AgentConfig config =
        load(
            minimal().replace("  - id: 2\n", "  - id: 2\n    rack: r2\n    pod: p1\n")
                + "ring:\n  heartbeat: 500ms\n  lease: 2s\n  policy: round-robin\n"
                + "ovs:\n  bridge: br-int\n  poll-interval: 5s\n"
                + "libvirt:\n  uri: qemu+unix:///system\n  vm-slots: 3\n"
                + "migration:\n  max-downtime: 500ms\n  allow-post-copy: true\n"
                + "  objective: min-energy\n  bandwidth-per-migration: 1Gbps\n"
                + "  parallel-outbound-migrations-per-node: 2\n"
                + "metrics:\n  address: 127.0.0.1:9500\n"
                + "dry-run: yes\n");
    assertEquals("r2", config.cluster().racks().get(2));
    assertEquals("p1", config.pods().get(2));
    assertEquals(Duration.ofMillis(500), config.cluster().heartbeat());
    assertEquals(TokenPolicy.ROUND_ROBIN, config.policy());
    assertEquals("br-int", config.ovs().bridge());
    assertEquals(3, config.libvirt().vmSlots());
    assertTrue(config.migration().allowPostCopy());
    assertEquals(MigrationGoal.Objective.MIN_ENERGY, config.migration().objective());
    assertEquals(2, config.migration().parallelOutboundMigrationsPerNode());
    assertEquals(9500, config.metricsAddress().getPort());
    assertTrue(config.dryRun());
  }

  @Test
  void theCommandLineShouldSayWhichHostThisIs() throws Exception {
    final Path file =
        Files.writeString(dir.resolve("agent.yaml"), minimal().replace("host: kvm1\n", ""));
    assertEquals(2, AgentConfig.load(file, Optional.of("2")).self());
    assertEquals(2, AgentConfig.load(file, Optional.of("10.0.0.2")).self());
    final ConfigException none =
        assertThrows(ConfigException.class, () -> AgentConfig.load(file, Optional.empty()));
    assertTrue(none.getMessage().contains("host: say which member"), none.getMessage());
  }

  @Test
  void mistakesShouldBeNamedWithFileLineColumnKeyAndReason() throws Exception {
    final String good = minimal();
    final String[][] cases = {
      {good + "migraton:\n  max-downtime: 1s\n", ":9:1: migraton: unknown key"},
      {good + "migration:\n  max-downtime: soon\n", ":10:17: migration.max-downtime: 'soon'"},
      {good + "migration:\n  max-downtime: 0s\n", "migration.max-downtime: must be more than 0"},
      {good + "ring:\n  policy: fastest\n", ":10:11: ring.policy: 'fastest'"},
      {good + "libvirt:\n  vm-slots: -1\n", ":10:13: libvirt.vm-slots: -1 is not in 0..4096"},
      {good + "dry-run: maybe\n", ":9:10: dry-run: 'maybe' is not true or false"},
      {good.replace("host: kvm1", "host: kvm9"), ":1:7: host: 'kvm9' is not a member"},
      {good.replace("10.0.0.2:7400", "10.0.0.2"), ":8:14: members[1].address: '10.0.0.2'"},
      {good.replace("id: 2", "id: 1"), ":7:9: members[1].id: host 1 is listed twice"},
      {
        good.replace("    address: 10.0.0.2:7400\n", "    adress: 10.0.0.2:7400\n"),
        ":8:5: members[1].adress: unknown key"
      },
      {good.replace("    address: 10.0.0.2:7400\n", ""), ":7:5: members[1].address: required"},
      {good + "ring:\n  heartbeat: 2s\n  lease: 1s\n", "ring.lease: lease"},
      {good + "metrics: 9410\n", ":9:10: metrics: expected a mapping"},
      {good + "dry-run: true\ndry-run: false\n", ":10:1: dry-run: given twice"},
      {good + "members: [\n", "not valid YAML"},
      {good + "decision:\n  migration-cost: 2\n", ":10:19: decision.migration-cost"},
      {good + "decision:\n  candidate-rule: best\n", ":10:19: decision.candidate-rule: 'best'"},
      {good + "decision:\n  hold-limit: 0s\n", "decision.hold-limit: must be more than 0"},
      {good + "ovs:\n  pipeline-table: 2\n", ":10:19: ovs.pipeline-table: 2 is not in 4..254"},
      {good + "ring-only: yes please\n", ":9:12: ring-only"},
      {"", "empty"},
    };
    for (final String[] each : cases) {
      final ConfigException bad = assertThrows(ConfigException.class, () -> load(each[0]));
      assertTrue(bad.getMessage().contains(each[1]), "'" + each[1] + "' in: " + bad.getMessage());
      assertTrue(
          bad.getMessage().startsWith(dir.resolve("agent.yaml").toString()), bad.getMessage());
    }
  }

  @Test
  void theKeyFileShouldBeCheckedWhereItIsNamed() throws Exception {
    Files.writeString(key, "too short");
    final ConfigException wrongSize = assertThrows(ConfigException.class, () -> load(minimal()));
    assertTrue(
        wrongSize.getMessage().contains(":2:11: key-file: bad cluster key"),
        wrongSize.getMessage());
    final String missing = minimal().replace(key.toString(), dir.resolve("none").toString());
    final ConfigException unreadable = assertThrows(ConfigException.class, () -> load(missing));
    assertTrue(unreadable.getMessage().contains("key-file: cannot read"), unreadable.getMessage());
    final String endless = minimal().replace(key.toString(), "/dev/zero");
    final ConfigException zero = assertThrows(ConfigException.class, () -> load(endless));
    assertTrue(zero.getMessage().contains("larger than 4 KiB"), zero.getMessage());
  }
}
