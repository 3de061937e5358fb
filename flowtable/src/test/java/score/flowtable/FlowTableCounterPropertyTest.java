package score.flowtable;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Drives the table with a simulated Open vSwitch whose rules gain traffic, expire and get
 * re-learned, whose counters all reset on restart, and whose VMs get consumed by decisions; the
 * table must always hold exactly the bytes that went by since each flow's last consumption.
 */
class FlowTableCounterPropertyTest {
  private static final int FLOWS = 6;
  private static final long POLL_MILLIS = 1_000;

  enum Event {
    TRAFFIC,
    RULE_RELEARNED,
    OVS_RESTART_KEEPING_AGES,
    OVS_RESTART_NEW_AGES,
    CONSUME
  }

  record Step(Event event, int flow, long bytes) {}

  @Provide
  Arbitrary<List<Step>> steps() {
    final Arbitrary<Step> step =
        net.jqwik.api.Combinators.combine(
                Arbitraries.of(Event.class)
                    .edgeCases(edges -> edges.includeOnly(Event.TRAFFIC))
                    .injectDuplicates(0.0),
                Arbitraries.integers().between(0, FLOWS - 1),
                Arbitraries.longs().between(0, 5_000_000))
            .as(Step::new);
    return step.list().ofMinSize(1).ofMaxSize(60);
  }

  private static final class OvsRule {
    long counterBytes;
    long counterPackets;
    long createdMillis;
  }

  @Property(tries = 300)
  void tableShouldHoldExactlyTheBytesSinceLastConsumption(@ForAll("steps") final List<Step> steps) {
    final FlowTable table = new FlowTable(64, 0);
    final Map<Integer, OvsRule> rules = new HashMap<>();
    final long[] expectedBytes = new long[FLOWS];
    long now = 0;
    for (final Step step : steps) {
      now += POLL_MILLIS;
      final OvsRule rule = rules.computeIfAbsent(step.flow(), f -> new OvsRule());
      switch (step.event()) {
        case TRAFFIC -> {
          rule.counterBytes += step.bytes();
          rule.counterPackets += step.bytes() / 1500 + 1;
          expectedBytes[step.flow()] += step.bytes();
        }
        case RULE_RELEARNED -> {
          rule.counterBytes = step.bytes();
          rule.counterPackets = step.bytes() / 1500 + 1;
          rule.createdMillis = now - 300;
          expectedBytes[step.flow()] += step.bytes();
        }
        case OVS_RESTART_KEEPING_AGES, OVS_RESTART_NEW_AGES -> {
          for (final OvsRule each : rules.values()) {
            each.counterBytes = 0;
            each.counterPackets = 0;
            if (step.event() == Event.OVS_RESTART_NEW_AGES) {
              each.createdMillis = now - 100;
            }
          }
          rule.counterBytes = step.bytes();
          rule.counterPackets = 1;
          expectedBytes[step.flow()] += step.bytes();
          table.countersReset();
        }
        case CONSUME -> {
          table.consume(ip(step.flow()), now - 1);
          for (int flow = 0; flow < FLOWS; flow++) {
            if (ip(flow) == ip(step.flow()) || peer(flow) == ip(step.flow())) {
              expectedBytes[flow] = 0;
            }
          }
        }
        default -> throw new AssertionError(step);
      }
      table.beginUpdate(now);
      for (final Map.Entry<Integer, OvsRule> entry : rules.entrySet()) {
        final int flow = entry.getKey();
        final OvsRule each = entry.getValue();
        table.observe(
            ip(flow),
            peer(flow),
            6,
            1000 + flow,
            80,
            each.counterBytes,
            each.counterPackets,
            now - each.createdMillis);
      }
      table.endUpdate();
      final long[] actual = new long[FLOWS];
      table.forEachFlow((s, d, p, sp, dp, bytes, pk, st, l) -> actual[sp - 1000] = bytes);
      for (final int flow : rules.keySet()) {
        assertEquals(expectedBytes[flow], actual[flow], "flow " + flow + " after " + step);
      }
    }
  }

  /** Flows 0..5 run between three VMs, so consuming one VM touches several flows. */
  private static int ip(final int flow) {
    return 0x0A000000 | (flow % 3);
  }

  private static int peer(final int flow) {
    return 0x0A000000 | ((flow + 1) % 3);
  }
}
