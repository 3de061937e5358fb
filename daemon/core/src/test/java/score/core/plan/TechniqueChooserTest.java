package score.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Deshpande and Keahey's technique choice: the slides' example, DP against exhaustive. */
class TechniqueChooserTest {
  private static Evacuation slides() {
    return new Evacuation(
        List.of(
            new EvacuatingVm("VM1", BitRate.parse("200Mbps"), BitRate.parse("400Mbps")),
            new EvacuatingVm("VM2", BitRate.parse("300Mbps"), BitRate.parse("500Mbps"))),
        BitRate.ZERO,
        BitRate.ZERO);
  }

  @Test
  void slidesExampleShouldGive400AgainstAllPreCopy500() {
    final TechniqueChoice allPre = TechniqueChooser.uniform(slides(), Technique.PRE_COPY);
    assertEquals(500_000_000L, allPre.contentionBitsPerSecond());
    assertEquals(0, allPre.destinationBitsPerSecond());
    final TechniqueChoice mixed =
        TechniqueChooser.of(
            slides(), List.of(Technique.POST_COPY, Technique.PRE_COPY), 0, "slides");
    assertEquals(300_000_000L, mixed.sourceBitsPerSecond());
    assertEquals(400_000_000L, mixed.destinationBitsPerSecond());
    final TechniqueChoice best = TechniqueChooser.choose(slides());
    assertEquals(400_000_000L, best.contentionBitsPerSecond());
    assertEquals(List.of(Technique.POST_COPY, Technique.PRE_COPY), best.techniques());
    assertEquals(
        900_000_000L,
        TechniqueChooser.uniform(slides(), Technique.POST_COPY).contentionBitsPerSecond());
    assertEquals(
        400_000_000L, TechniqueChooser.dynamicProgramme(slides()).contentionBitsPerSecond());
  }

  @Test
  void backgroundTrafficShouldShiftTheChoice() {
    final Evacuation busySource =
        new Evacuation(slides().vms(), BitRate.parse("400Mbps"), BitRate.ZERO);
    final TechniqueChoice best = TechniqueChooser.choose(busySource);
    // Source already carries 400: pre-copying VM1 gives max(600, 500) = 600, all post 900.
    assertEquals(600_000_000L, best.contentionBitsPerSecond());
  }

  @Test
  void evacuationFilesShouldParseAndNameBadLines() {
    final Evacuation parsed =
        EvacuationText.parse(
            "rack.csv",
            List.of(
                "# the slides' example",
                "VM1, 200Mbps, 400Mbps",
                "VM2,300Mbps,0.5Gbps  # server",
                "",
                "background-source,100Mbps",
                "background-destination,50Mbps"));
    assertEquals(2, parsed.vms().size());
    assertEquals(500_000_000L, parsed.vms().get(1).receive().bitsPerSecond());
    assertEquals(100_000_000L, parsed.backgroundSource().bitsPerSecond());
    assertEquals(50_000_000L, parsed.backgroundDestination().bitsPerSecond());
    final String[][] bad = {
      {"vm1,200Mbps", "rack.csv:1: expected 3 comma-separated fields"},
      {"vm1,200,400Mbps", "rack.csv:1: '200' is not a bit rate"},
      {"vm1,1Mbps,1Mbps\nvm1,1Mbps,1Mbps", "rack.csv:2: VM vm1 is listed twice"},
      {"background-sauce,1Mbps", "rack.csv:1: unknown 'background-sauce'"},
      {"# nothing", "rack.csv: no VMs"},
    };
    for (final String[] each : bad) {
      final IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> EvacuationText.parse("rack.csv", List.of(each[0].split("\n"))));
      assertTrue(e.getMessage().startsWith(each[1]), e.getMessage());
    }
  }

  private static Evacuation random(final Random random, final int count, final boolean wholeMbps) {
    final List<EvacuatingVm> vms = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      vms.add(new EvacuatingVm("vm" + i, rate(random, wholeMbps), rate(random, wholeMbps)));
    }
    return new Evacuation(vms, rate(random, wholeMbps), rate(random, wholeMbps));
  }

  private static BitRate rate(final Random random, final boolean wholeMbps) {
    return wholeMbps
        ? BitRate.ofMbps(random.nextInt(1_001))
        : BitRate.ofBitsPerSecond((long) (random.nextDouble() * 1e9));
  }

  @Property(tries = 300)
  void dynamicProgrammeShouldMatchExhaustiveSearch(
      @ForAll @IntRange(min = 1, max = 16) final int count,
      @ForAll final long seed,
      @ForAll final boolean wholeMbps) {
    final Evacuation evacuation = random(new Random(seed), count, wholeMbps);
    final TechniqueChoice optimum = TechniqueChooser.exhaustive(evacuation);
    final TechniqueChoice dp = TechniqueChooser.dynamicProgramme(evacuation);
    if (wholeMbps) {
      assertEquals("dp-exact", dp.method());
      assertEquals(optimum.contentionBitsPerSecond(), dp.contentionBitsPerSecond());
    } else {
      assertTrue(
          dp.contentionBitsPerSecond()
              <= optimum.contentionBitsPerSecond() + dp.errorBoundBitsPerSecond(),
          dp + " vs " + optimum);
      // The a-priori guarantee: within 1 + 2n/GRID_CELLS of the optimum (+ n bit/s).
      assertTrue(
          dp.contentionBitsPerSecond()
              <= optimum.contentionBitsPerSecond() * (1 + 2.0 * count / TechniqueChooser.GRID_CELLS)
                  + count);
    }
    assertTrue(dp.contentionBitsPerSecond() >= optimum.contentionBitsPerSecond());
  }

  @Test
  void sixtyFourVmsShouldBeChosenWithinTheBound() {
    final Random random = new Random(7);
    for (int trial = 0; trial < 20; trial++) {
      final Evacuation evacuation = random(random, 64, trial % 2 == 0);
      final TechniqueChoice choice = TechniqueChooser.choose(evacuation);
      final TechniqueChoice allPre = TechniqueChooser.uniform(evacuation, Technique.PRE_COPY);
      final TechniqueChoice allPost = TechniqueChooser.uniform(evacuation, Technique.POST_COPY);
      assertTrue(choice.contentionBitsPerSecond() <= allPre.contentionBitsPerSecond());
      assertTrue(choice.contentionBitsPerSecond() <= allPost.contentionBitsPerSecond());
      assertEquals(
          choice.contentionBitsPerSecond(),
          TechniqueChooser.of(evacuation, choice.techniques(), 0, "check")
              .contentionBitsPerSecond());
    }
  }
}
