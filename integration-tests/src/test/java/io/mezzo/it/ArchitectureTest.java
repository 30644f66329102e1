package io.mezzo.it;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the dependency arrows of ARCHITECTURE.md (protocol ← discovery ← sdk ← examples; protocol,
 * discovery, node-support ← master, agent; the CLI on the servers' public entry points only) and the shape
 * inside each module: its packages form no cycle, and the allocator sees neither protobuf nor
 * Vert.x (facts in as Mezzo's own values, decisions out).
 */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.mezzo");
  }

  @Test
  void masterAndAgentNeverDependOnEachOther() {
    noClasses().that().resideInAPackage("io.mezzo.master..")
        .should().dependOnClassesThat().resideInAPackage("io.mezzo.agent..").check(classes);
    noClasses().that().resideInAPackage("io.mezzo.agent..")
        .should().dependOnClassesThat().resideInAPackage("io.mezzo.master..").check(classes);
  }

  @Test
  void theSdkDependsOnTheProtocolOnly() {
    noClasses().that().resideInAPackage("io.mezzo.sdk..")
        .should().dependOnClassesThat().resideInAnyPackage("io.mezzo.master..", "io.mezzo.agent..",
            "io.mezzo.testkit..", "io.mezzo.cli..", "io.mezzo.examples..", "io.vertx..")
        .check(classes);
  }

  @Test
  void examplesUseTheSdkNotTheServers() {
    noClasses().that().resideInAPackage("io.mezzo.examples..")
        .should().dependOnClassesThat().resideInAnyPackage("io.mezzo.master..", "io.mezzo.agent..", "io.mezzo.cli..")
        .check(classes);
  }

  @Test
  void theProtocolDependsOnNothingOfMezzos() {
    noClasses().that().resideInAnyPackage("io.mezzo.protocol..", "io.mezzo.v1..")
        .should().dependOnClassesThat().resideInAnyPackage("io.mezzo.master..", "io.mezzo.agent..", "io.mezzo.sdk..",
            "io.mezzo.testkit..", "io.mezzo.cli..", "io.mezzo.examples..", "io.mezzo.discovery..")
        .check(classes);
  }

  @Test
  void theCliUsesOnlyTheServersPublicEntryPoints() {
    // Their root packages (MasterMain, AgentMain, DurationFlag...), never their internals.
    noClasses().that().resideInAPackage("io.mezzo.cli..")
        .should().dependOnClassesThat(JavaClass.Predicates.resideInAnyPackage("io.mezzo.master..", "io.mezzo.agent..")
            .and(JavaClass.Predicates.resideOutsideOfPackages("io.mezzo.master", "io.mezzo.agent")))
        .orShould().dependOnClassesThat().resideInAPackage("io.mezzo.examples..")
        .check(classes);
  }

  @Test
  void discoveryDependsOnTheProtocolOnly() {
    noClasses().that().resideInAPackage("io.mezzo.discovery..")
        .should().dependOnClassesThat().resideInAnyPackage("io.mezzo.master..", "io.mezzo.agent..", "io.mezzo.sdk..",
            "io.mezzo.testkit..", "io.mezzo.cli..", "io.mezzo.examples..", "io.vertx..")
        .check(classes);
  }

  @Test
  void nodeSupportKnowsNothingOfMezzo() {
    noClasses().that().resideInAPackage("io.mezzo.node..")
        .should().dependOnClassesThat().resideInAnyPackage("io.mezzo.master..", "io.mezzo.agent..", "io.mezzo.sdk..",
            "io.mezzo.testkit..", "io.mezzo.cli..", "io.mezzo.examples..", "io.mezzo.discovery..",
            "io.mezzo.protocol..", "io.mezzo.v1..")
        .check(classes);
  }

  @Test
  void serversDoNotDependOnTheirClients() {
    noClasses().that().resideInAnyPackage("io.mezzo.master..", "io.mezzo.agent..")
        .should().dependOnClassesThat().resideInAnyPackage("io.mezzo.sdk..", "io.mezzo.testkit..", "io.mezzo.cli..")
        .check(classes);
  }

  @Test
  void theAllocatorSeesNeitherProtobufNorVertx() {
    noClasses().that().resideInAPackage("io.mezzo.master.allocator..")
        .should().dependOnClassesThat().resideInAnyPackage("com.google.protobuf..", "io.mezzo.v1..",
            "io.mezzo.protocol..", "io.vertx..")
        .check(classes);
  }

  // ---------------------------------------------------------------- no package cycles, module by module

  @Test
  void theMastersPackagesFormNoCycle() {
    assertNoPackageCycle("io.mezzo.master");
  }

  @Test
  void theAgentsPackagesFormNoCycle() {
    assertNoPackageCycle("io.mezzo.agent");
  }

  @Test
  void theSdksPackagesFormNoCycle() {
    assertNoPackageCycle("io.mezzo.sdk");
  }

  @Test
  void theCliPackagesFormNoCycle() {
    assertNoPackageCycle("io.mezzo.cli");
  }

  /** The generated v1 and internal messages are part of the protocol module. */
  @Test
  void theProtocolsPackagesFormNoCycle() {
    assertNoPackageCycle("io.mezzo.protocol", "io.mezzo.v1");
  }

  @Test
  void theTestkitsPackagesFormNoCycle() {
    assertNoPackageCycle("io.mezzo.testkit");
  }

  @Test
  void theExamplesPackagesFormNoCycle() {
    assertNoPackageCycle("io.mezzo.examples");
  }

  /** Each package under {@code roots}, the roots included, is one slice; no slices may depend on each other in a cycle. */
  private static void assertNoPackageCycle(String... roots) {
    slices().assignedFrom(packagesUnder(List.of(roots))).should().beFreeOfCycles().check(classes);
  }

  private static SliceAssignment packagesUnder(List<String> roots) {
    return new SliceAssignment() {
      @Override
      public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
        String pkg = javaClass.getPackageName();
        boolean inside = roots.stream().anyMatch(root -> pkg.equals(root) || pkg.startsWith(root + "."));
        return inside ? SliceIdentifier.of(pkg) : SliceIdentifier.ignore();
      }

      @Override
      public String getDescription() {
        return "packages under " + String.join(", ", roots);
      }
    };
  }
}
