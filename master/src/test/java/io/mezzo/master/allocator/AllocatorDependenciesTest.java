package io.mezzo.master.allocator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The allocator is told facts as immutable values and answers with allocations: it never sees a
 * protobuf type (one adapter in the state package converts) and never a Vert.x one (it runs on
 * whatever context the master gives it).
 */
class AllocatorDependenciesTest {
  private static final JavaClasses ALLOCATOR = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.mezzo.master.allocator");

  @Test
  void theAllocatorUsesNoProtobufAndNoVertx() {
    noClasses().that().resideInAPackage("io.mezzo.master.allocator..")
        .should().dependOnClassesThat().resideInAnyPackage("com.google.protobuf..", "io.mezzo.v1..",
            "io.mezzo.protocol..", "io.vertx..")
        .check(ALLOCATOR);
  }
}
