package score.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
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
}
