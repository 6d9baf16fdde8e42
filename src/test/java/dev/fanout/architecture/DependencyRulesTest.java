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

  /**
   * The production jar (target/fanout-worker.jar) leaves the broker out: only the embedded broker
   * may touch it, and the commands that start it check first that it is there.
   */
  @Test
  void onlyTheEmbeddedBrokerUsesKafkaBrokerClasses() {
    noClasses()
        .that()
        .doNotHaveFullyQualifiedName("dev.fanout.kafka.EmbeddedKafka")
        .and()
        .haveNameNotMatching("dev\\.fanout\\.kafka\\.EmbeddedKafka\\$.*")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "kafka..",
            "scala..",
            "org.apache.kafka.server..",
            "org.apache.kafka.raft..",
            "org.apache.kafka.metadata..",
            "org.apache.kafka.image..",
            "org.apache.kafka.controller..",
            "org.apache.kafka.storage..",
            "org.apache.kafka.coordinator..")
        .check(FANOUT);
  }

  /** Netty and HdrHistogram serve the bench receivers only; the production jar leaves them out. */
  @Test
  void onlyTheBenchUsesNettyAndHdrHistogram() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.fanout.bench..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.netty..", "org.HdrHistogram..")
        .check(FANOUT);
  }
}
