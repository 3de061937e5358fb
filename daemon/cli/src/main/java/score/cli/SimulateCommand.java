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
import score.core.decision.LinkWeights;
import score.core.decision.MigrationCost;
import score.core.decision.Topology;
import score.protocol.TokenPolicy;
import score.sim.Allocation;
import score.sim.CostPlot;
import score.sim.InputException;
import score.sim.Reference;
import score.sim.SimulationFiles;
import score.sim.Simulator;
import score.sim.TrafficGenerator;
import score.sim.TrafficMatrix;
import score.sim.TrafficProfile;

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
      int[] migrationsPerRound,
      double seconds) {}

  /** The JSON output: the first policy's figures flat, all runs under {@code runs}. */
  public record Output(
      int hosts,
      int vms,
      long pairs,
      String policy,
      double initialCost,
      double finalCost,
      double reductionPct,
      Double referenceCost,
      Double referenceReductionPct,
      Double ofReferencePct,
      String referenceMethod,
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
    final Allocation initial;
    final TrafficMatrix traffic;
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
        traffic =
            SimulationFiles.readTraffic(
                trafficFile, vmIndex, placementFile != null, topology.hosts() * vmsPerHost);
        if (hostOf == null) {
          hostOf = fill(traffic.vms(), topology.hosts());
        }
        initial = allocation(topology, hostOf);
      } else {
        if (hostOf == null) {
          hostOf = fill(topology.hosts() * vmsPerHost, topology.hosts());
        }
        initial = allocation(topology, hostOf);
        traffic = new TrafficGenerator(TrafficProfile.DEFAULTS).generate(topology, initial, seed);
      }
    } catch (final InputException e) {
      throw CommandFailure.badInput(e.getMessage());
    }
    final MigrationCost migrationCost;
    try {
      migrationCost = new MigrationCost(cmAbsolute, cmFraction);
    } catch (final IllegalArgumentException e) {
      throw CommandFailure.badInput(e.getMessage());
    }
    final Simulator simulator = new Simulator(topology, weights, traffic);
    final List<Simulator.Run> runs = new ArrayList<>();
    final List<Double> seconds = new ArrayList<>();
    for (final TokenPolicy policy : policyList) {
      final long runStarted = System.nanoTime();
      runs.add(simulator.run(policy, initial, rounds, migrationCost));
      seconds.add((System.nanoTime() - runStarted) / 1e9);
    }
    final Reference.Result reference =
        referenceEffort.equals("none")
            ? null
            : new Reference(topology, weights, traffic)
                .compute(
                    initial,
                    referenceEffort.equals("local")
                        ? Reference.Effort.LOCAL
                        : Reference.Effort.GENETIC,
                    seed,
                    runs.stream().map(Simulator.Run::finalAllocation).toArray(Allocation[]::new));
    final double initialCost = runs.get(0).costPerRound()[0];
    final Double referenceCost = reference == null ? null : reference.cost();
    final Double referenceReduction =
        reference == null ? null : reductionPct(initialCost, reference.cost());
    final List<PolicyRun> policyRuns = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      final Simulator.Run run = runs.get(i);
      final double reduction = reductionPct(initialCost, run.finalCost());
      policyRuns.add(
          new PolicyRun(
              name(run.policy()),
              run.finalCost(),
              reduction,
              referenceReduction == null
                  ? null
                  : referenceReduction > 0 ? 100 * reduction / referenceReduction : 100,
              run.migrations(),
              run.costPerRound(),
              run.migrationsPerRound(),
              seconds.get(i)));
    }
    writeFiles(policyRuns, referenceCost);
    final PolicyRun first = policyRuns.get(0);
    final Output output =
        new Output(
            topology.hosts(),
            traffic.vms(),
            traffic.pairs(),
            first.policy(),
            initialCost,
            first.finalCost(),
            first.reductionPct(),
            referenceCost,
            referenceReduction,
            first.ofReferencePct(),
            reference == null ? "none" : reference.method(),
            first.migrations(),
            rounds,
            first.costPerRound(),
            cmFraction,
            seed,
            (System.nanoTime() - started) / 1e9,
            policyRuns);
    print(output);
  }

  private void print(final Output output) {
    final PrintWriter out = spec.commandLine().getOut();
    if (json.enabled()) {
      JsonOption.print(out, output);
      return;
    }
    out.printf(
        Locale.ROOT,
        "%d hosts, %d VMs, %d communicating pairs; initial cost %.4g%n",
        output.hosts(),
        output.vms(),
        output.pairs(),
        output.initialCost());
    if (output.referenceCost() != null) {
      out.printf(
          Locale.ROOT,
          "reference (%s): cost %.4g, %.1f %% lower%n",
          output.referenceMethod(),
          output.referenceCost(),
          output.referenceReductionPct());
    }
    for (final PolicyRun run : output.runs()) {
      out.printf(
          Locale.ROOT,
          "%-12s final cost %.4g, %.1f %% lower (%s of the reference's reduction), %d"
              + " migrations in %d rounds, %.2f s%n",
          run.policy(),
          run.finalCost(),
          run.reductionPct(),
          run.ofReferencePct() == null
              ? "no reference"
              : String.format(Locale.ROOT, "%.1f %%", run.ofReferencePct()),
          run.migrations(),
          output.rounds(),
          run.seconds());
    }
    out.flush();
  }

  private void writeFiles(final List<PolicyRun> runs, final Double referenceCost) {
    if (csvOut != null) {
      final StringBuilder csv = new StringBuilder("policy,round,cost,migrations,reference_cost\n");
      for (final PolicyRun run : runs) {
        for (int round = 0; round < run.costPerRound().length; round++) {
          csv.append(
              String.format(
                  Locale.ROOT,
                  "%s,%d,%.6g,%d,%.6g%n",
                  run.policy(),
                  round,
                  run.costPerRound()[round],
                  round == 0 ? 0 : run.migrationsPerRound()[round - 1],
                  referenceCost == null ? Double.NaN : referenceCost));
        }
      }
      try {
        Files.writeString(csvOut, csv, StandardCharsets.UTF_8);
      } catch (final IOException e) {
        throw CommandFailure.failure("cannot write " + csvOut + ": " + e.getMessage(), e);
      }
    }
    if (plotOut != null) {
      final Map<String, double[]> series = new java.util.LinkedHashMap<>();
      for (final PolicyRun run : runs) {
        series.put(run.policy(), run.costPerRound());
      }
      try {
        CostPlot.write(plotOut, series, referenceCost);
      } catch (final IOException e) {
        throw CommandFailure.failure("cannot write " + plotOut + ": " + e.getMessage(), e);
      }
    }
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
    if (!spec.commandLine().getParseResult().hasMatchedOption("--vms-per-host")) {
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
    if (topologyFile != null && spec.commandLine().getParseResult().hasMatchedOption("--fanout")) {
      throw CommandFailure.badInput("give --fanout or --topology, not both");
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
