package score.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The direction of dependencies (DESIGN.md, "Layout"), checked on the compiled classes of every
 * module, so that a fully qualified name that needs no import is caught as well as an import
 * (config/import-control.xml checks imports at {@code mvn validate}; the core's pom keeps the
 * libraries off its class path).
 */
class ArchitectureTest {
  /** What the pure core must never touch: adapter libraries and I/O. */
  static final String[] OUTSIDE_THE_CORE = {
    "io.netty..",
    "com.fasterxml.jackson..",
    "picocli..",
    "io.micrometer..",
    "org.knowm.xchart..",
    "org.libvirt..",
    "com.sun.jna..",
    "org.yaml..",
    "com.sun.net.httpserver..",
    "java.net..",
    "java.nio.channels..",
    "java.nio.file..",
    "score.flowtable..",
    "score.agent..",
    "score.sim..",
    "score.cli..",
  };

  private static JavaClasses production;

  @BeforeAll
  static void importClasses() {
    production =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // Other modules' test classes come as their test jars: not production either.
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("score");
  }

  static ArchRule coreStaysPure(final String corePackage) {
    return noClasses()
        .that()
        .resideInAPackage(corePackage)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(OUTSIDE_THE_CORE)
        .because("the core is pure logic; adapters sit at the edge behind its ports");
  }

  @Test
  void theCoreReachesNoAdapterLibraryAndNoIo() {
    assertTrue(
        production.stream().anyMatch(c -> c.getPackageName().startsWith("score.core.")),
        "no core classes found: the check would pass vacuously");
    coreStaysPure("score.core..").check(production);
  }

  @Test
  void theSimulatorReachesTheDecisionCodeOnlyThroughTheCore() {
    noClasses()
        .that()
        .resideInAPackage("score.sim..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "score.agent..", "score.cli..", "io.netty..", "io.micrometer..", "org.libvirt..")
        .check(production);
  }

  @Test
  void theAgentKnowsNeitherTheSimulatorNorTheCommandLine() {
    noClasses()
        .that()
        .resideInAPackage("score.agent..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("score.sim..", "score.cli..", "org.knowm.xchart..", "picocli..")
        .check(production);
  }

  @Test
  void theRuleCatchesACoreClassThatUsesNetty() {
    final JavaClasses fixture = new ClassFileImporter().importPackages("score.cli.archfixture");
    final EvaluationResult result = coreStaysPure("score.cli.archfixture..").evaluate(fixture);
    assertTrue(result.hasViolation(), "a core class naming io.netty must fail the check");
    assertFalse(result.getFailureReport().getDetails().isEmpty());
  }

  /**
   * The core's entry points that compute eq. 1 or eq. 2, route the token or decide a migration's
   * bandwidth or technique, by owner: only core types may call them (NeighbourhoodCost,
   * CommunicationCost, MigrationDecider, Holder, HostTokenLoop, WorkingToken, RingNode, PassOnWork,
   * MigrationBroker, DrainPlanner and the planners themselves), so adapters and the simulator reach
   * them only through those.
   */
  static final Map<String, Set<String>> CORE_ONLY =
      Map.of(
          "score.core.decision.LinkWeights", Set.of("pathCost"),
          "score.core.decision.MigrationDecider", Set.of("decide"),
          "score.core.decision.TokenOrder", Set.of("order"),
          "score.core.decision.WorkingToken",
              Set.of("upkeep", "nextRotation", "setPosition", "setEntry"),
          "score.protocol.Token", Set.of("advanced"),
          "score.core.plan.MigrationPlanner", Set.of("plan", "replan"),
          "score.core.plan.LeastBandwidthPlanner", Set.of("plan"),
          "score.core.plan.MinimumEnergyPlanner", Set.of("plan"),
          "score.core.plan.PostCopySwitch", Set.of("due"),
          "score.core.plan.TechniqueChooser",
              Set.of("choose", "uniform", "of", "exhaustive", "dynamicProgramme"));

  /** Calls of {@link #CORE_ONLY} entry points, except {@code except} owners. */
  static DescribedPredicate<JavaMethodCall> coreOnlyCalls(final Set<String> exceptOwners) {
    return new DescribedPredicate<>(
        "a method that computes eq. 1 or eq. 2, routes the token or decides a bandwidth") {
      @Override
      public boolean test(final JavaMethodCall call) {
        final String owner = call.getTargetOwner().getName();
        return !exceptOwners.contains(owner)
            && CORE_ONLY.getOrDefault(owner, Set.of()).contains(call.getName());
      }
    };
  }

  static ArchRule onlyTheCore(final String[] packages, final Set<String> exceptOwners) {
    return noClasses()
        .that()
        .resideInAnyPackage(packages)
        .should()
        .callMethodWhere(coreOnlyCalls(exceptOwners))
        .because(
            "eq. 1, eq. 2, the token's routing and the broker's bandwidth live once, in the core"
                + " (issue 19); adapters translate");
  }

  @Test
  void onlyTheCoreComputesDecidesRoutesOrPlans() {
    onlyTheCore(new String[] {"score.agent.."}, Set.of()).check(production);
    // The simulator runs the host's token loop for every host: it too reaches all of it only
    // through the core.
    onlyTheCore(new String[] {"score.sim.."}, Set.of()).check(production);
  }

  @Test
  void theCoreOnlyRuleCatchesAnAdapterThatComputesOrRoutes() {
    final JavaClasses fixture = new ClassFileImporter().importPackages("score.cli.archfixture");
    final EvaluationResult result =
        onlyTheCore(new String[] {"score.cli.archfixture.."}, Set.of()).evaluate(fixture);
    assertTrue(result.hasViolation(), "an adapter calling pathCost and advanced must fail");
    final String report = String.join("\n", result.getFailureReport().getDetails());
    assertTrue(report.contains("pathCost"), report);
    assertTrue(report.contains("advanced"), report);
  }
}
