package dev.fanout.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the direction of dependencies between capabilities as the README describes it. */
class DependencyRulesTest {
  private static final JavaClasses FANOUT =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.fanout");

  @Test
  void nothingDependsOnTheCompositionRootOrTheCli() {
    noClasses()
        .that()
        .resideOutsideOfPackages("dev.fanout.cli..", "dev.fanout.app..", "dev.fanout.bench..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.fanout.cli..", "dev.fanout.app..")
        .check(FANOUT);
  }

  @Test
  void deliveryKnowsNothingOfKafka() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.fanout.delivery..", "dev.fanout.signing..", "dev.fanout.event..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.apache.kafka..", "dev.fanout.worker..", "dev.fanout.retry..")
        .check(FANOUT);
  }

  @Test
  void contractsDoNotDependOnTheirImplementations() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.fanout.subscription", "dev.fanout.deadletter", "dev.fanout.delivery")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.fanout.subscription.kafka..",
            "dev.fanout.deadletter.kafka..",
            "dev.fanout.delivery.http..",
            "dev.fanout.retry.kafka..")
        .check(FANOUT);
  }
}
