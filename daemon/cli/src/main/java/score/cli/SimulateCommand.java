package score.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import score.agent.config.FileErrors;
import score.core.decision.LinkWeights;
import score.core.decision.MigrationCost;
import score.core.decision.MigrationDecider;
import score.core.decision.Topology;
import score.protocol.TokenPolicy;
import score.sim.Allocation;
import score.sim.CostPlot;
import score.sim.InitialPlacement;
import score.sim.InputException;
import score.sim.OverallCost;
import score.sim.PaperFigures;
import score.sim.Reference;
import score.sim.SimulationFiles;
import score.sim.Simulator;
import score.sim.TenantProfile;
import score.sim.TenantTraffic;
import score.sim.TrafficGenerator;
import score.sim.TrafficMatrix;
import score.sim.TrafficProfile;
import score.sim.TrafficSchedule;

/** {@code score simulate}: S-CORE's decision code in a model data centre. */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = {
      "Run the agent's decision engine on a model data centre: the token visits every VM once per"
          + " round in the policy's order, and each visit may migrate the VM (S-CORE eq. 2).",
      "Prints the communication cost (eq. 1) per round against a centralised reference (the exact"
          + " optimum for small instances, else a memetic genetic algorithm plus local search).",
      "Files: --traffic CSV src_vm,dst_vm,bytes_per_second; --placement CSV vm,host (hosts 0..N-1"
          + " in rack order, or host names of --topology); --topology lines HOST TOR [AGG …]."
    })
public final class SimulateCommand implements Runnable {
  private static final long VM_MEMORY_BYTES = 1L << 30;

  @Spec CommandSpec spec;

  @Mixin JsonOption json = new JsonOption();

  @Option(
      names = "--fanout",
      defaultValue = "20,16,4,2",
      description =
          "Hosts per rack, racks per aggregation group, … up to the root (default: ${DEFAULT-VALUE},"
              + " the paper's 2,560 hosts in 128 racks).")
  String fanout;

  @Option(names = "--topology", description = "A topology file instead of --fanout.")
  Path topologyFile;

  @Option(
      names = "--vms-per-host",
      defaultValue = "8",
      description =
          "VMs per host when no placement is given (default: ${DEFAULT-VALUE}, at most --slots).")
  int vmsPerHost;

  @Option(
      names = "--slots",
      defaultValue = "16",
      description = "VM slots per host, 1 GiB each (default: ${DEFAULT-VALUE}).")
  int slots;

  @Option(
      names = "--policy",
      defaultValue = "load-aware",
      description =
          "round-robin, global, distributed, load-aware, a comma list of them, or all"
              + " (default: ${DEFAULT-VALUE}).")
  String policies;

  @Option(
      names = "--rounds",
      defaultValue = "5",
      description = "Token rounds (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Generator seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--traffic", description = "Traffic matrix CSV instead of the generator.")
  Path trafficFile;

  @Option(
      names = "--placement",
      description = "Initial placement CSV instead of filling hosts in order.")
  Path placementFile;

  @Option(
      names = "--cm",
      defaultValue = "0",
      description =
          "Migration cost c_m as a fraction of the deciding VM's share of the overall cost, 2·C(u)"
              + " (default: ${DEFAULT-VALUE}).")
  double cmFraction;

  @Option(
      names = "--cm-absolute",
      defaultValue = "0",
      description =
          "Migration cost c_m in the cost's own units, added to --cm (default: ${DEFAULT-VALUE}).")
  double cmAbsolute;

  @Option(
      names = "--weights",
      description = "Link weights c_1,c_2,… (default: e^0,e^1,e^3,e^5, continued e^7, …).")
  String weightList;

  @Option(
      names = "--reference",
      defaultValue = "genetic",
      description =
          "genetic (local search, then a memetic GA), local (local search only) or none (no"
              + " reference: for timing very large data centres; reference figures are null);"
              + " small instances are always solved exactly (default: ${DEFAULT-VALUE}).")
  String referenceEffort;

  @Option(
      names = "--scenario",
      defaultValue = "paper",
      description =
          "paper (VMs of tenants that talk among themselves, placed without regard to traffic; new"
              + " flows between rounds) or rack-local (each VM talks mostly within the rack it"
              + " starts in) (default: ${DEFAULT-VALUE}).")
  String scenarioName;

  @Option(
      names = "--rule",
      description =
          "Candidate rule: paper (the first neighbour host with room for which eq. 2 holds, section"
              + " III-F) or rack-aware (also a host with room in a full candidate's rack; the best"
              + " gain) (default: paper in the paper scenario, else rack-aware).")
  String ruleName;

  @Option(
      names = "--initial",
      defaultValue = "random",
      description =
          "Initial placement in the paper scenario, blind to traffic: random (VMs in random arrival"
              + " order, --vms-per-host on each host) or first-fit (each on the first host with a"
              + " free slot) (default: ${DEFAULT-VALUE}).")
  String initialName;

  @Option(
      names = "--new-flows",
      description =
          "Paper scenario: flows that appear before each round after the first, as a fraction of"
              + " the pairs (default: 0.02; 0 for static traffic).")
  Double newFlows;

  @Option(
      names = "--group-size",
      description = "Paper scenario: mean and largest VMs per tenant, MEAN,MAX (default: 4,16).")
  String groupSize;

  @Option(
      names = "--peers",
      description =
          "Paper scenario: correspondents each VM picks in its tenant, a Poisson mean; its tenant's"
              + " members pick it too (default: 1.5).")
  Double peersMean;

  @Option(
      names = "--hub-share",
      description =
          "Paper scenario: the share of a VM's picks that go to its tenant's hub (front end or"
              + " shared back end) (default: 0.5).")
  Double hubShare;

  @Option(
      names = "--figures",
      description =
          "Write the paper's Fig. 2a-2d (ToR traffic before and after, cost per round, reduction"
              + " against c_m) as PNG and CSV into this directory.")
  Path figuresDir;

  @Option(names = "--csv", description = "Write cost per round per policy to this CSV file.")
  Path csvOut;

  @Option(names = "--plot", description = "Draw cost against rounds per policy to this PNG file.")
  Path plotOut;

  /** One policy's run, for JSON. */
  public record PolicyRun(
      String policy,
      double finalCost,
      double reductionPct,
      Double ofReferencePct,
      int migrations,
      double[] costPerRound,
      double[] costAtRoundStart,
      int[] migrationsPerRound,
      double seconds) {}

  /**
   * The JSON output: the first policy's figures flat, all runs under {@code runs}. With traffic
   * that changes between rounds, reductions are against {@code unmovedFinalCost}, the cost the
   * initial placement would have under the final traffic (nothing moved).
   */
  public record Output(
      String scenario,
      String rule,
      int hosts,
      int vms,
      long pairs,
      String policy,
      double initialCost,
      double unmovedFinalCost,
      double finalCost,
      double reductionPct,
      Double referenceCost,
      Double referenceReductionPct,
      Double ofReferencePct,
      String referenceMethod,
      double[] referenceCostPerRound,
      double lowerBoundCost,
      Double polishedCost,
      int migrations,
      int rounds,
      double[] costPerRound,
      double cm,
      long seed,
      double wallSeconds,
      List<PolicyRun> runs) {}

  @Override
  public void run() {
    final long started = System.nanoTime();
    final List<TokenPolicy> policyList = parsePolicies();
    validate();
    final Topology topology;
    List<String> hostNames = null;
    try {
      if (topologyFile != null) {
        final SimulationFiles.NamedTopology named = SimulationFiles.readTopology(topologyFile);
        topology = named.topology();
        hostNames = named.hostNames();
      } else {
        topology = fanoutTopology();
      }
    } catch (final InputException e) {
      throw CommandFailure.badInput(e.getMessage());
    }
    final LinkWeights weights = weights(topology);
    final Scenario scenario = scenario();
    final MigrationDecider.CandidateRule rule = rule(scenario);
    final Allocation initial;
    final TrafficSchedule schedule;
    try {
      final Map<String, Integer> vmIndex = new HashMap<>();
      int[] hostOf;
      if (placementFile != null) {
        final SimulationFiles.Placement placement =
            SimulationFiles.readPlacement(placementFile, topology.hosts(), hostNames);
        SimulationFiles.requireRoom(placementFile, placement, topology.hosts(), slots);
        for (int vm = 0; vm < placement.vmNames().size(); vm++) {
          vmIndex.put(placement.vmNames().get(vm), vm);
        }
        hostOf = placement.hostOf();
      } else {
        hostOf = null;
      }
      if (trafficFile != null) {
        final TrafficMatrix traffic =
            SimulationFiles.readTraffic(
                trafficFile,
                vmIndex,
                placementFile != null,
                topology.hosts() * vmsPerHost,
                weights.pathCost(topology.maxLevel()));
        schedule = TrafficSchedule.constant(traffic);
        if (hostOf == null) {
          hostOf = startPlacement(traffic.vms(), topology.hosts(), false);
        }
        initial = allocation(topology, hostOf);
      } else if (scenario == Scenario.PAPER) {
        if (hostOf == null) {
          hostOf = startPlacement(topology.hosts() * vmsPerHost, topology.hosts(), true);
        }
        initial = allocation(topology, hostOf);
        schedule = new TenantTraffic(tenantProfile(), hostOf.length, seed).schedule(rounds);
      } else {
        if (hostOf == null) {
          hostOf = startPlacement(topology.hosts() * vmsPerHost, topology.hosts(), false);
        }
        initial = allocation(topology, hostOf);
        schedule =
            TrafficSchedule.constant(
                new TrafficGenerator(TrafficProfile.DEFAULTS).generate(topology, initial, seed));
      }
    } catch (final InputException e) {
      throw CommandFailure.badInput(e.getMessage());
    }
    final TrafficMatrix finalTraffic = schedule.last();
    requireFiniteCost(finalTraffic, weights, topology);
    final MigrationCost migrationCost;
    try {
      migrationCost = new MigrationCost(cmAbsolute, cmFraction);
    } catch (final IllegalArgumentException e) {
      throw CommandFailure.badInput(e.getMessage());
    }
    final Simulator simulator = new Simulator(topology, weights, schedule, rule);
    final List<Simulator.Run> runs = new ArrayList<>();
    final List<Double> seconds = new ArrayList<>();
    for (final TokenPolicy policy : policyList) {
      final long runStarted = System.nanoTime();
      runs.add(simulator.run(policy, initial, rounds, migrationCost));
      seconds.add((System.nanoTime() - runStarted) / 1e9);
    }
    final double initialCost = runs.get(0).costPerRound()[0];
    final double unmovedCost = OverallCost.of(finalTraffic, initial, topology, weights);
    final References references = references(topology, weights, schedule, initial, runs);
    final Double referenceCost = references.finalCost();
    final Double referenceReduction =
        referenceCost == null ? null : reductionPct(unmovedCost, referenceCost);
    final List<PolicyRun> policyRuns = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      final Simulator.Run run = runs.get(i);
      final double reduction = reductionPct(unmovedCost, run.finalCost());
      policyRuns.add(
          new PolicyRun(
              name(run.policy()),
              run.finalCost(),
              reduction,
              // Nothing to compare when the reference itself found nothing to lower.
              referenceReduction == null || !(referenceReduction > 0)
                  ? null
                  : 100 * reduction / referenceReduction,
              run.migrations(),
              run.costPerRound(),
              run.costAtRoundStart(),
              run.migrationsPerRound(),
              seconds.get(i)));
    }
    writeFiles(policyRuns, references.perRound());
    if (figuresDir != null) {
      writeFigures(topology, weights, schedule, initial, runs, policyRuns, references, rule);
    }
    final PolicyRun first = policyRuns.get(0);
    final Output output =
        new Output(
            scenario == Scenario.PAPER && trafficFile == null
                ? "paper"
                : trafficFile != null ? "files" : "rack-local",
            rule == MigrationDecider.CandidateRule.PAPER ? "paper" : "rack-aware",
            topology.hosts(),
            finalTraffic.vms(),
            finalTraffic.pairs(),
            first.policy(),
            initialCost,
            unmovedCost,
            first.finalCost(),
            first.reductionPct(),
            referenceCost,
            referenceReduction,
            first.ofReferencePct(),
            references.method(),
            references.perRound(),
            new Reference(topology, weights, finalTraffic).lowerBound(initial),
            references.polishedCost(),
            first.migrations(),
            rounds,
            first.costPerRound(),
            cmFraction,
            seed,
            (System.nanoTime() - started) / 1e9,
            policyRuns);
    print(output);
  }

  /** Which traffic model generates the VMs' traffic. */
  enum Scenario {
    PAPER,
    RACK_LOCAL
  }

  private Scenario scenario() {
    return switch (scenarioName) {
      case "paper" -> Scenario.PAPER;
      case "rack-local" -> Scenario.RACK_LOCAL;
      default ->
          throw CommandFailure.badInput(
              "--scenario: unknown scenario \"" + scenarioName + "\"; use paper or rack-local");
    };
  }

  private MigrationDecider.CandidateRule rule(final Scenario scenario) {
    if (ruleName == null) {
      return scenario == Scenario.PAPER && trafficFile == null
          ? MigrationDecider.CandidateRule.PAPER
          : MigrationDecider.CandidateRule.RACK_AWARE;
    }
    return switch (ruleName) {
      case "paper" -> MigrationDecider.CandidateRule.PAPER;
      case "rack-aware" -> MigrationDecider.CandidateRule.RACK_AWARE;
      default ->
          throw CommandFailure.badInput(
              "--rule: unknown rule \"" + ruleName + "\"; use paper or rack-aware");
    };
  }

  private InitialPlacement initialPlacement() {
    return switch (initialName) {
      case "random" -> InitialPlacement.RANDOM;
      case "first-fit" -> InitialPlacement.FIRST_FIT;
      default ->
          throw CommandFailure.badInput(
              "--initial: unknown placement \"" + initialName + "\"; use random or first-fit");
    };
  }

  private TenantProfile tenantProfile() {
    Double mean = null;
    Integer max = null;
    if (groupSize != null) {
      final String[] parts = groupSize.split(",", -1);
      try {
        if (parts.length != 2) {
          throw new NumberFormatException();
        }
        mean = Double.parseDouble(parts[0].trim());
        max = Integer.parseInt(parts[1].trim());
      } catch (final NumberFormatException e) {
        throw CommandFailure.badInput(
            "--group-size: expected MEAN,MAX (a number and a whole number), got \""
                + groupSize
                + "\"");
      }
    }
    // One option at a time over the defaults, so a refusal names the option that caused it.
    TenantProfile profile = TenantProfile.DEFAULTS;
    profile = withOption("--group-size", profile, mean, max, null, null, null);
    profile = withOption("--peers", profile, null, null, peersMean, null, null);
    profile = withOption("--hub-share", profile, null, null, null, hubShare, null);
    return withOption("--new-flows", profile, null, null, null, null, newFlows);
  }

  private static TenantProfile withOption(
      final String option,
      final TenantProfile profile,
      final Double groupSizeMean,
      final Integer groupSizeMax,
      final Double peers,
      final Double hub,
      final Double flows) {
    try {
      return profile.with(groupSizeMean, groupSizeMax, peers, hub, flows);
    } catch (final IllegalArgumentException e) {
      throw CommandFailure.badInput(option + ": " + e.getMessage());
    }
  }

  /**
   * Every cost of a run is at most Σ λ · 2 · (c_1 + … + c_top); refuses rates and weights whose
   * product does not fit a double, instead of printing Infinity and NaN.
   */
  private void requireFiniteCost(
      final TrafficMatrix traffic, final LinkWeights weights, final Topology topology) {
    final double top = weights.pathCost(topology.maxLevel());
    double total = 0;
    for (int vm = 0; vm < traffic.vms(); vm++) {
      total += traffic.load(vm);
    }
    if (!Double.isFinite(top)) {
      throw CommandFailure.badInput(
          "--weights: the link weights add up to more than the largest number ("
              + weightList
              + ")");
    }
    if (!Double.isFinite(total * top)) {
      throw CommandFailure.badInput(
          (trafficFile != null ? trafficFile + ": the rates" : "the generated rates")
              + " add up to "
              + total
              + " bytes per second; times the link weights of the longest path ("
              + top
              + ") the communication cost does not fit a double: give rates in larger units");
    }
    if (total == 0 && trafficFile != null) {
      throw CommandFailure.badInput(trafficFile + ": no traffic (every rate is 0)");
    }
  }

  /** The reference against the traffic of every round, the final one's method, and polishing. */
  /** The most times a run's reference is recomputed as its traffic changes. */
  private static final int REFERENCE_POINTS = 10;

  private record References(
      Double finalCost, String method, double[] perRound, Double polishedCost) {}

  private References references(
      final Topology topology,
      final LinkWeights weights,
      final TrafficSchedule schedule,
      final Allocation initial,
      final List<Simulator.Run> runs) {
    if (referenceEffort.equals("none")) {
      return new References(null, "none", null, null);
    }
    final Reference.Effort effort =
        referenceEffort.equals("local") ? Reference.Effort.LOCAL : Reference.Effort.GENETIC;
    // perRound[0]: the traffic at the start; perRound[r]: the traffic of round r. Recomputed
    // when the traffic changed, at most REFERENCE_POINTS times spread over the run (held in
    // between), with local search only before the last round: a long run stays affordable.
    final double[] perRound = new double[rounds + 1];
    TrafficMatrix previous = null;
    Reference.Effort previousEffort = null;
    Reference.Result result = null;
    Reference reference = null;
    final int every = Math.max(1, (rounds + REFERENCE_POINTS - 1) / REFERENCE_POINTS);
    for (int r = 0; r <= rounds; r++) {
      final TrafficMatrix traffic = schedule.round(r - 1);
      final boolean lastRound = r == rounds;
      final Reference.Effort now = lastRound ? effort : Reference.Effort.LOCAL;
      final boolean due =
          previous == null
              || (traffic != previous && r % every == 0)
              || (lastRound && (traffic != previous || previousEffort != now));
      if (due) {
        reference = new Reference(topology, weights, traffic);
        result = reference.compute(initial, now, seed);
        previous = traffic;
        previousEffort = now;
      }
      perRound[r] = result.cost();
    }
    final Reference.Result polished =
        reference.polished(
            runs.stream().map(Simulator.Run::finalAllocation).toArray(Allocation[]::new));
    return new References(result.cost(), result.method(), perRound, polished.cost());
  }

  private void print(final Output output) {
    final PrintWriter out = spec.commandLine().getOut();
    if (json.enabled()) {
      JsonOption.print(out, output);
      return;
    }
    out.printf(
        Locale.ROOT,
        "%s scenario, %s rule: %d hosts, %d VMs, %d communicating pairs; initial cost %.4g%n",
        output.scenario(),
        output.rule(),
        output.hosts(),
        output.vms(),
        output.pairs(),
        output.initialCost());
    if (output.unmovedFinalCost() != output.initialCost()) {
      out.printf(
          Locale.ROOT,
          "new flows between rounds: the initial placement would cost %.4g under the final"
              + " traffic; reductions are against that%n",
          output.unmovedFinalCost());
    }
    out.printf(
        Locale.ROOT,
        "lower bound on the optimal cost %.4g (%.1f %% lower)%n",
        output.lowerBoundCost(),
        reductionPct(output.unmovedFinalCost(), output.lowerBoundCost()));
    if (output.referenceCost() != null) {
      out.printf(
          Locale.ROOT,
          "reference (%s): cost %.4g, %.1f %% lower%n",
          output.referenceMethod(),
          output.referenceCost(),
          output.referenceReductionPct());
      out.printf(
          Locale.ROOT,
          "local search from the policies' results (not a reference): cost %.4g%n",
          output.polishedCost());
    }
    for (final PolicyRun run : output.runs()) {
      out.printf(
          Locale.ROOT,
          "%-12s final cost %.4g, %.1f %% lower (%s), %d migrations in %d rounds, %.2f s%n",
          run.policy(),
          run.finalCost(),
          run.reductionPct(),
          run.ofReferencePct() == null
              ? output.referenceCost() == null ? "no reference" : "no reduction to compare with"
              : String.format(
                  Locale.ROOT, "%.1f %% of the reference's reduction", run.ofReferencePct()),
          run.migrations(),
          output.rounds(),
          run.seconds());
    }
    out.flush();
  }

  private void writeFiles(final List<PolicyRun> runs, final double[] referencePerRound) {
    if (csvOut != null) {
      final StringBuilder csv =
          new StringBuilder("policy,round,cost,cost_at_round_start,migrations,reference_cost\n");
      for (final PolicyRun run : runs) {
        for (int round = 0; round < run.costPerRound().length; round++) {
          csv.append(
              String.format(
                  Locale.ROOT,
                  "%s,%d,%.6g,%.6g,%d,%.6g%n",
                  run.policy(),
                  round,
                  run.costPerRound()[round],
                  round == 0 ? run.costPerRound()[0] : run.costAtRoundStart()[round - 1],
                  round == 0 ? 0 : run.migrationsPerRound()[round - 1],
                  referencePerRound == null ? Double.NaN : referencePerRound[round]));
        }
      }
      try {
        Files.writeString(csvOut, csv, StandardCharsets.UTF_8);
      } catch (final IOException e) {
        throw CommandFailure.failure("cannot write " + csvOut + ": " + e.getMessage(), e);
      }
    }
    if (plotOut != null) {
      try {
        CostPlot.write(plotOut, curves(runs), referencePerRound);
      } catch (final IOException e) {
        throw CommandFailure.failure("cannot write " + plotOut + ": " + e.getMessage(), e);
      }
    }
  }

  /** Each policy's cost curve with its spikes: at round r − 1 the cost as round r began. */
  private static Map<String, double[][]> curves(final List<PolicyRun> runs) {
    final Map<String, double[][]> curves = new java.util.LinkedHashMap<>();
    for (final PolicyRun run : runs) {
      curves.put(run.policy(), CostPlot.withSpikes(run.costPerRound(), run.costAtRoundStart()));
    }
    return curves;
  }

  private void writeFigures(
      final Topology topology,
      final LinkWeights weights,
      final TrafficSchedule schedule,
      final Allocation initial,
      final List<Simulator.Run> runs,
      final List<PolicyRun> policyRuns,
      final References references,
      final MigrationDecider.CandidateRule rule) {
    try {
      Files.createDirectories(figuresDir);
      final TrafficMatrix last = schedule.last();
      final Simulator.Run shown = shownRun(runs);
      PaperFigures.torMatrix(
          figuresDir.resolve("fig2a-tor-traffic-before"),
          "ToR-to-ToR traffic before (initial placement)",
          schedule.round(0),
          initial,
          topology);
      PaperFigures.torMatrix(
          figuresDir.resolve("fig2d-tor-traffic-after"),
          "ToR-to-ToR traffic after " + rounds + " rounds (" + name(shown.policy()) + ")",
          last,
          shown.finalAllocation(),
          topology);
      PaperFigures.costPerRound(
          figuresDir.resolve("fig2b-cost-per-round"), curves(policyRuns), references.perRound());
      final Simulator simulator = new Simulator(topology, weights, schedule, rule);
      PaperFigures.reductionAgainstCm(
          figuresDir.resolve("fig2c-reduction-vs-cm"),
          simulator,
          initial,
          rounds,
          OverallCost.of(last, initial, topology, weights),
          TokenPolicy.DISTRIBUTED);
    } catch (final IOException e) {
      throw CommandFailure.failure(
          "--figures: cannot write into " + figuresDir + ": " + FileErrors.reason(e), e);
    }
  }

  /** The run whose final placement Fig. 2d shows: load-aware if it ran, else the first. */
  private static Simulator.Run shownRun(final List<Simulator.Run> runs) {
    for (final Simulator.Run run : runs) {
      if (run.policy() == TokenPolicy.LOAD_AWARE) {
        return run;
      }
    }
    return runs.get(0);
  }

  private static double reductionPct(final double initial, final double cost) {
    return initial > 0 ? 100 * (initial - cost) / initial : 0;
  }

  private List<TokenPolicy> parsePolicies() {
    final List<TokenPolicy> list = new ArrayList<>();
    for (final String name : policies.split(",")) {
      final String trimmed = name.trim().toLowerCase(Locale.ROOT);
      if (trimmed.equals("all")) {
        list.addAll(Arrays.asList(TokenPolicy.values()));
        continue;
      }
      final TokenPolicy policy =
          switch (trimmed) {
            case "round-robin" -> TokenPolicy.ROUND_ROBIN;
            case "global" -> TokenPolicy.GLOBAL;
            case "distributed" -> TokenPolicy.DISTRIBUTED;
            case "load-aware" -> TokenPolicy.LOAD_AWARE;
            default ->
                throw CommandFailure.badInput(
                    "--policy: unknown policy \""
                        + name.trim()
                        + "\"; use round-robin, global, distributed, load-aware or all");
          };
      if (!list.contains(policy)) {
        list.add(policy);
      }
    }
    return list;
  }

  static String name(final TokenPolicy policy) {
    return policy.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private void validate() {
    if (slots < 1) {
      throw CommandFailure.badInput("--slots must be at least 1, got " + slots);
    }
    if (!matched("--vms-per-host")) {
      // The default fills half of the paper's 16 slots; never more than the slots given.
      vmsPerHost = Math.min(vmsPerHost, slots);
    }
    if (vmsPerHost < 1 || vmsPerHost > slots) {
      throw CommandFailure.badInput(
          "--vms-per-host must be in [1, --slots=" + slots + "], got " + vmsPerHost);
    }
    if (rounds < 1 || rounds > 10_000) {
      throw CommandFailure.badInput("--rounds must be in [1, 10000], got " + rounds);
    }
    if (!List.of("genetic", "local", "none").contains(referenceEffort)) {
      throw CommandFailure.badInput(
          "--reference must be genetic, local or none, got " + referenceEffort);
    }
    if (topologyFile != null && matched("--fanout")) {
      throw CommandFailure.badInput("give --fanout or --topology, not both");
    }
    if (placementFile != null && matched("--initial")) {
      throw CommandFailure.badInput("give --placement or --initial, not both");
    }
    if ((trafficFile != null || !scenarioName.equals("paper"))
        && (newFlows != null || groupSize != null || peersMean != null || hubShare != null)) {
      throw CommandFailure.badInput(
          "--new-flows, --group-size, --peers and --hub-share shape the paper scenario's generated"
              + " traffic;"
              + (trafficFile != null
                  ? " the traffic comes from " + trafficFile
                  : " the scenario is " + scenarioName));
    }
  }

  private Topology fanoutTopology() {
    final String[] parts = fanout.split(",");
    final int[] counts = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        counts[i] = Integer.parseInt(parts[i].trim());
      } catch (final NumberFormatException e) {
        throw CommandFailure.badInput(
            "--fanout "
                + fanout
                + ": entry "
                + (i + 1)
                + " \""
                + parts[i].trim()
                + "\" is not a whole number");
      }
    }
    try {
      final Topology topology = Topology.fanout(counts);
      if ((long) topology.hosts() * slots > 100_000_000L) {
        throw CommandFailure.badInput(
            "--fanout " + fanout + " with --slots " + slots + " is over 100,000,000 VM slots");
      }
      return topology;
    } catch (final IllegalArgumentException e) {
      throw CommandFailure.badInput("--fanout " + fanout + ": " + e.getMessage());
    }
  }

  private LinkWeights weights(final Topology topology) {
    if (weightList == null) {
      return LinkWeights.paperDefaults(topology.maxLevel());
    }
    final String[] parts = weightList.split(",");
    final double[] values = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        values[i] = Double.parseDouble(parts[i].trim());
      } catch (final NumberFormatException e) {
        throw CommandFailure.badInput("--weights: \"" + parts[i].trim() + "\" is not a number");
      }
    }
    try {
      final LinkWeights weights = LinkWeights.of(values);
      if (!Double.isFinite(2 * weights.pathCost(Math.min(weights.levels(), topology.maxLevel())))) {
        throw CommandFailure.badInput(
            "--weights: the link weights add up to more than the largest number ("
                + weightList
                + ")");
      }
      if (weights.levels() < topology.maxLevel()) {
        throw CommandFailure.badInput(
            "--weights gives "
                + weights.levels()
                + " link weights; the topology has "
                + topology.maxLevel()
                + " levels");
      }
      return weights;
    } catch (final IllegalArgumentException e) {
      throw CommandFailure.badInput("--weights: " + e.getMessage());
    }
  }

  /**
   * Where the VMs start without a placement file: as {@code --initial} says when given (or by
   * default in the paper scenario, {@code random}), else hosts filled in rack order.
   */
  private int[] startPlacement(final int vms, final int hosts, final boolean randomByDefault)
      throws InputException {
    if (!randomByDefault && !matched("--initial")) {
      return fill(vms, hosts);
    }
    final InitialPlacement placement = initialPlacement();
    final long room = (long) hosts * (placement == InitialPlacement.RANDOM ? vmsPerHost : slots);
    if (vms > room) {
      throw new InputException(
          vms + " VMs do not fit " + hosts + " hosts at --vms-per-host " + vmsPerHost);
    }
    return placement.placeVms(vms, vmsPerHost, slots, seed);
  }

  private boolean matched(final String option) {
    return spec.commandLine().getParseResult().hasMatchedOption(option);
  }

  /** VM i on host i / vms-per-host: hosts filled in rack order. */
  private int[] fill(final int vms, final int hosts) throws InputException {
    if (vms > (long) hosts * vmsPerHost) {
      throw new InputException(
          trafficFile
              + ": "
              + vms
              + " VMs do not fit "
              + hosts
              + " hosts at --vms-per-host "
              + vmsPerHost
              + "; give a --placement or more VMs per host");
    }
    final int[] hostOf = new int[vms];
    for (int vm = 0; vm < vms; vm++) {
      hostOf[vm] = vm / vmsPerHost;
    }
    return hostOf;
  }

  private Allocation allocation(final Topology topology, final int[] hostOf) {
    final long[] memory = new long[hostOf.length];
    Arrays.fill(memory, VM_MEMORY_BYTES);
    return new Allocation(topology.hosts(), slots, slots * VM_MEMORY_BYTES, hostOf, memory);
  }
}
