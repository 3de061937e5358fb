package score.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import score.core.plan.BitRate;
import score.core.plan.ByteSize;
import score.core.plan.DeadlineRequest;
import score.core.plan.DirtyRate;
import score.core.plan.DirtyRatePolicy;
import score.core.plan.DirtyRateSamples;
import score.core.plan.EnergyPlan;
import score.core.plan.EnergyRequest;
import score.core.plan.Evacuation;
import score.core.plan.EvacuationText;
import score.core.plan.InfeasiblePlanException;
import score.core.plan.LeastBandwidthPlanner;
import score.core.plan.MinimumEnergyPlanner;
import score.core.plan.Power;
import score.core.plan.PowerModel;
import score.core.plan.PreCopyEstimate;
import score.core.plan.Technique;
import score.core.plan.TechniqueChoice;
import score.core.plan.TechniqueChooser;

/** {@code score plan}: what-if questions about how a VM, or a host's VMs, should move. */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description = {
      "Plan a pre-copy migration: the least bandwidth that meets a deadline (VMPatrol), or the"
          + " bandwidth of least energy (Amendola et al.), with rounds, traffic, time, downtime"
          + " and energy.",
      "  score plan --memory 1024MiB --dirty-rate 50pages/s --deadline 330s",
      "  score plan --memory 4096Mb --dirty-rate 300Mbps --deadline 13.5s --downtime 600ms"
          + " --max-bandwidth 900Mbps --objective min-energy",
      "Or choose pre-copy or post-copy per VM for VMs leaving one host together"
          + " (Deshpande and Keahey): score plan --evacuate FILE",
      "FILE: one VM per line as NAME,TX,RX with units (vm1,200Mbps,400Mbps);"
          + " background-source,RATE (outgoing traffic at the source that is not these VMs');"
          + " background-destination,RATE (incoming traffic at the destination); # comments.",
      "Units: 1Mbps = 10^6 bit/s; MiB = 2^20 bytes, MB = 10^6 bytes, Mb = 10^6 bits;"
          + " a page is 4 KiB.",
      "Exit 2 for bad input and for infeasible requests (the message says what would work)."
    })
public final class PlanCommand implements Runnable {
  @Spec CommandSpec spec;

  @Mixin JsonOption json = new JsonOption();

  @Option(
      names = "--memory",
      paramLabel = "SIZE",
      converter = ByteSizeConverter.class,
      description = "VM memory: 1024MiB, 1GiB, 512MB, 4096Mb.")
  ByteSize memory;

  @Option(
      names = "--dirty-rate",
      paramLabel = "RATE[,RATE...]",
      split = ",",
      converter = DirtyRateConverter.class,
      description = "Observed dirty rate(s): 50pages/s (4 KiB pages), 3MiB/s, 300Mbps.")
  List<DirtyRate> dirtyRates;

  @Option(
      names = "--dirty-rate-from",
      paramLabel = "max|mean",
      defaultValue = "max",
      description =
          "Plan with the maximum (default) or the mean of several --dirty-rate samples; the mean"
              + " failed VMPatrol for RUBiS.")
  String dirtyRateFrom;

  @Option(
      names = "--deadline",
      paramLabel = "TIME",
      converter = DurationConverter.class,
      description = "Migration deadline (Δ_MMT): 330s, 13.5s, 5min.")
  Duration deadline;

  @Option(
      names = "--downtime",
      paramLabel = "TIME",
      converter = DurationConverter.class,
      defaultValue = "300ms",
      description = "Downtime limit, the switchover goal T / Δ_SC (default ${DEFAULT-VALUE}).")
  Duration downtime;

  @Option(
      names = "--max-bandwidth",
      paramLabel = "RATE",
      converter = BitRateConverter.class,
      description = "The path's available bandwidth R̄: 1Gbps, 900Mbps (required for min-energy).")
  BitRate maxBandwidth;

  @Option(
      names = "--objective",
      defaultValue = "min-bandwidth",
      description = "min-bandwidth (default) or min-energy.")
  String objective;

  @Option(
      names = "--idle-power",
      paramLabel = "POWER",
      converter = PowerConverter.class,
      defaultValue = "2W",
      description = "P_idle of P(R) = P_idle + P_dyn·(R/1Gbps)^α (default ${DEFAULT-VALUE}).")
  Power idlePower;

  @Option(
      names = "--dynamic-power",
      paramLabel = "POWER",
      converter = PowerConverter.class,
      defaultValue = "2W",
      description = "P_dyn, the power above idle at 1 Gbps (default ${DEFAULT-VALUE}).")
  Power dynamicPower;

  @Option(
      names = "--power-exponent",
      paramLabel = "ALPHA",
      defaultValue = "2",
      description = "α of the power model (default ${DEFAULT-VALUE}).")
  double powerExponent;

  @Option(
      names = "--evacuate",
      paramLabel = "FILE",
      description = "Choose pre-copy or post-copy for the VMs in FILE (see above).")
  Path evacuate;

  @Option(
      names = "--vm",
      paramLabel = "NAME",
      description = "Ask the running agent what it would do with its VM NAME (with --to).")
  String vm;

  @Option(names = "--to", paramLabel = "HOST", description = "The destination for --vm.")
  String to;

  @Mixin ControlOption control = new ControlOption();

  @Override
  public void run() {
    final PrintWriter out = spec.commandLine().getOut();
    if (vm != null || to != null) {
      agentPlan(out);
      return;
    }
    try {
      if (evacuate != null) {
        evacuate(out);
      } else {
        single(out);
      }
    } catch (final InfeasiblePlanException e) {
      throw CommandFailure.badInput("infeasible: " + e.getMessage());
    } catch (final IllegalArgumentException e) {
      throw CommandFailure.badInput(e.getMessage());
    }
    out.flush();
  }

  /** The agent's view of moving {@code vm} to {@code to}: eq. 2's terms and the plan. */
  private void agentPlan(final PrintWriter out) {
    if (vm == null || to == null) {
      throw CommandFailure.badInput("give both --vm NAME and --to HOST");
    }
    final com.fasterxml.jackson.databind.JsonNode answer =
        control.ask(java.util.Map.of("command", "plan", "vm", vm, "to", to));
    if (json.enabled()) {
      JsonOption.print(out, answer);
      out.flush();
      return;
    }
    out.printf(
        Locale.ROOT,
        "%s on %s -> %s: C(u) here %.0f, there %.0f; eq. 2: gain %.0f vs c_m %.0f: %s%n",
        answer.path("vm").asText(),
        answer.path("from").asText(),
        answer.path("to").asText(),
        answer.path("costHere").asDouble(),
        answer.path("costThere").asDouble(),
        answer.path("gain").asDouble(),
        answer.path("migrationCost").asDouble(),
        answer.path("eq2Holds").asBoolean() ? "move" : "stay");
    out.printf(
        Locale.ROOT, "%-15s %-8s %14s %6s %6s%n", "NEIGHBOUR", "HOST", "BYTES/S", "HERE", "THERE");
    for (final com.fasterxml.jackson.databind.JsonNode n : answer.path("neighbours")) {
      out.printf(
          Locale.ROOT,
          "%-15s %-8s %14d %6s %6s%n",
          n.path("neighbour").asText(),
          n.path("host").isNull() ? "?" : n.path("host").asText(),
          n.path("bytesPerSecond").asLong(),
          n.path("levelHere").asText("-"),
          n.path("levelThere").asText("-"));
    }
    final com.fasterxml.jackson.databind.JsonNode migration = answer.path("migration");
    if (migration.has("error")) {
      out.printf("migration: cannot plan: %s%n", migration.path("error").asText());
    } else {
      out.printf(
          Locale.ROOT,
          "migration: %.1f Mbit/s for a %.1f s deadline, predicted %.1f s (dirty rate %d B/s)%n",
          migration.path("bandwidthMbps").asDouble(),
          migration.path("deadlineSeconds").asDouble(),
          migration.path("predictedSeconds").asDouble(),
          migration.path("dirtyRateBytesPerSecond").asLong());
    }
    out.println(answer.path("why").asText());
    out.flush();
  }

  private void single(final PrintWriter out) {
    if (memory == null || dirtyRates == null || deadline == null) {
      throw CommandFailure.badInput(
          "give --memory, --dirty-rate and --deadline (or --evacuate FILE)");
    }
    if (memory.isZero()) {
      throw CommandFailure.badInput("--memory must be more than 0 bytes");
    }
    final DirtyRate dirtyRate = new DirtyRateSamples(dirtyRates).pick(policy());
    final PowerModel power =
        new PowerModel(idlePower, dynamicPower, BitRate.parse("1Gbps"), powerExponent);
    final SingleOutput output =
        switch (objective.toLowerCase(Locale.ROOT)) {
          case "min-bandwidth" -> {
            final PreCopyEstimate plan =
                LeastBandwidthPlanner.plan(
                    new DeadlineRequest(
                        memory, dirtyRate, deadline, downtime, Optional.ofNullable(maxBandwidth)));
            final double joules = power.joules(plan);
            yield SingleOutput.of("min-bandwidth", plan, joules, plan, joules);
          }
          case "min-energy" -> {
            if (maxBandwidth == null) {
              throw CommandFailure.badInput(
                  "--objective min-energy needs --max-bandwidth (the path's R̄)");
            }
            final EnergyPlan plan =
                MinimumEnergyPlanner.plan(
                    new EnergyRequest(memory, dirtyRate, deadline, downtime, maxBandwidth, power));
            yield SingleOutput.of(
                "min-energy",
                plan.optimum(),
                plan.energyJoules(),
                plan.leastBandwidth(),
                plan.leastBandwidthEnergyJoules());
          }
          default ->
              throw CommandFailure.badInput(
                  "unknown objective '" + objective + "': use min-bandwidth or min-energy");
        };
    if (json.enabled()) {
      JsonOption.print(out, output);
      return;
    }
    out.printf(
        Locale.ROOT,
        "%s: bandwidth %.3f Mbps, %d rounds, traffic %.1f MiB, time %.3f s, downtime %.1f ms,"
            + " energy %.2f J%n",
        output.objective(),
        output.bandwidthMbps(),
        output.rounds(),
        output.trafficMiB(),
        output.timeSeconds(),
        output.downtimeMillis(),
        output.energyJoules());
    if ("min-energy".equals(output.objective())) {
      out.printf(
          Locale.ROOT,
          "least bandwidth under the same limits: %.3f Mbps, energy %.2f J (saving %.1f %%)%n",
          output.leastBandwidthMbps(),
          output.leastBandwidthEnergyJoules(),
          output.savingPercent());
    }
  }

  private DirtyRatePolicy policy() {
    return switch (dirtyRateFrom.toLowerCase(Locale.ROOT)) {
      case "max", "maximum" -> DirtyRatePolicy.MAXIMUM;
      case "mean" -> DirtyRatePolicy.MEAN;
      default ->
          throw CommandFailure.badInput(
              "unknown --dirty-rate-from '" + dirtyRateFrom + "': use max or mean");
    };
  }

  private void evacuate(final PrintWriter out) {
    final List<String> lines;
    try {
      lines = Files.readAllLines(evacuate, StandardCharsets.UTF_8);
    } catch (final IOException e) {
      throw CommandFailure.badInput("cannot read " + evacuate + ": " + e.getMessage());
    }
    final Evacuation evacuation = EvacuationText.parse(evacuate.toString(), lines);
    final TechniqueChoice best = TechniqueChooser.choose(evacuation);
    final TechniqueChoice allPre = TechniqueChooser.uniform(evacuation, Technique.PRE_COPY);
    final TechniqueChoice allPost = TechniqueChooser.uniform(evacuation, Technique.POST_COPY);
    final List<VmOutput> vms = new ArrayList<>();
    for (int i = 0; i < evacuation.vms().size(); i++) {
      vms.add(new VmOutput(evacuation.vms().get(i).name(), best.techniques().get(i).label()));
    }
    final EvacuationOutput output =
        new EvacuationOutput(
            vms,
            mbps(best.contentionBitsPerSecond()),
            mbps(best.sourceBitsPerSecond()),
            mbps(best.destinationBitsPerSecond()),
            mbps(allPre.contentionBitsPerSecond()),
            mbps(allPost.contentionBitsPerSecond()),
            best.method(),
            mbps(best.errorBoundBitsPerSecond()));
    if (json.enabled()) {
      JsonOption.print(out, output);
      return;
    }
    for (final VmOutput vm : vms) {
      out.printf("%s %s%n", vm.name(), vm.technique());
    }
    out.printf(
        Locale.ROOT,
        "contention %.3f Mbps (source %.3f, destination %.3f; %s%s); all pre-copy %.3f Mbps;"
            + " all post-copy %.3f Mbps%n",
        output.contentionMbps(),
        output.sourceMbps(),
        output.destinationMbps(),
        output.method(),
        output.boundMbps() > 0
            ? String.format(Locale.ROOT, ", within %.3f Mbps of optimal", output.boundMbps())
            : ", optimal",
        output.allPreCopyMbps(),
        output.allPostCopyMbps());
  }

  private static double mbps(final long bitsPerSecond) {
    return bitsPerSecond / 1e6;
  }

  /** {@code score plan --json} for one VM; Mbps = 10^6 bit/s, MiB = 2^20 bytes. */
  record SingleOutput(
      String objective,
      double bandwidthMbps,
      long rounds,
      double trafficMiB,
      double timeSeconds,
      double downtimeMillis,
      double energyJoules,
      double leastBandwidthMbps,
      double leastBandwidthEnergyJoules,
      double savingPercent) {
    static SingleOutput of(
        final String objective,
        final PreCopyEstimate plan,
        final double joules,
        final PreCopyEstimate least,
        final double leastJoules) {
      return new SingleOutput(
          objective,
          plan.bandwidth().megabitsPerSecond(),
          plan.rounds(),
          plan.trafficMebibytes(),
          plan.timeSeconds(),
          plan.downtimeMillis(),
          joules,
          least.bandwidth().megabitsPerSecond(),
          leastJoules,
          leastJoules == 0 ? 0 : 100 * (leastJoules - joules) / leastJoules);
    }
  }

  record VmOutput(String name, String technique) {}

  /** {@code score plan --evacuate FILE --json}. */
  record EvacuationOutput(
      List<VmOutput> vms,
      double contentionMbps,
      double sourceMbps,
      double destinationMbps,
      double allPreCopyMbps,
      double allPostCopyMbps,
      String method,
      double boundMbps) {}

  /** Turns a unit parser's complaint into picocli's (exit 2, option named by picocli). */
  abstract static class UnitConverter<T> implements ITypeConverter<T> {
    private final Function<String, T> parser;

    UnitConverter(final Function<String, T> parser) {
      this.parser = parser;
    }

    @Override
    public T convert(final String text) {
      try {
        return parser.apply(text);
      } catch (final IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  static final class ByteSizeConverter extends UnitConverter<ByteSize> {
    ByteSizeConverter() {
      super(ByteSize::parse);
    }
  }

  static final class DirtyRateConverter extends UnitConverter<DirtyRate> {
    DirtyRateConverter() {
      super(DirtyRate::parse);
    }
  }

  static final class BitRateConverter extends UnitConverter<BitRate> {
    BitRateConverter() {
      super(BitRate::parse);
    }
  }

  static final class PowerConverter extends UnitConverter<Power> {
    PowerConverter() {
      super(Power::parse);
    }
  }
}
