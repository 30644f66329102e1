package io.mezzo.it;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the dependency arrows of ARCHITECTURE.md: protocol ← discovery ← sdk ← examples; protocol,
 * discovery ← master, agent; the CLI on the servers' public entry points only.
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
  void serversDoNotDependOnTheirClients() {
    noClasses().that().resideInAnyPackage("io.mezzo.master..", "io.mezzo.agent..")
        .should().dependOnClassesThat().resideInAnyPackage("io.mezzo.sdk..", "io.mezzo.testkit..", "io.mezzo.cli..")
        .check(classes);
  }
}
