package dev.fanout.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fanout's delivery guarantees under faults, against real processes: a KRaft broker in its own
 * process, three {@code java -jar target/fanout.jar worker} processes, receivers on 127.0.0.1. Each
 * scenario runs once, at the small CI scale, the first time a test needs it; each test asserts a
 * group of its pass criteria, so a criterion the current code fails is disabled on its own, naming
 * the defect, while the others of the same scenario still run. {@code src/test/fault/run-faults.sh}
 * runs every scenario, at a larger scale, and writes {@code docs/reliability.md}.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class FaultToleranceIT {
  private static final Map<String, ScenarioResult> RESULTS = new ConcurrentHashMap<>();

  private static final Predicate<ScenarioResult.Check> IN_FLIGHT_BOUND =
      c -> c.criterion().contains("in-flight work");
  private static final Predicate<ScenarioResult.Check> ONE_DEAD_LETTER =
      c -> c.criterion().startsWith("at most one dead letter");
  private static final Predicate<ScenarioResult.Check> ZERO_DUPLICATES =
      c -> c.criterion().startsWith("zero duplicates");

  @Test
  void killMinus9LosesNothingAndRedeliversOnlyWorkItHadNotCommitted() {
    assertCriteria("kill-9", IN_FLIGHT_BOUND.negate());
  }

  @Test
  void killMinus9DuplicatesStayWithinTheKilledWorkersInFlightDeliveries() {
    assertCriteria("kill-9", IN_FLIGHT_BOUND);
  }

  @Test
  void sigtermLosesNothingAndTheWorkerExits() {
    assertCriteria("sigterm", ZERO_DUPLICATES.negate());
  }

  @Test
  void sigtermDeliversNothingTwice() {
    assertCriteria("sigterm", ZERO_DUPLICATES);
  }

  @Test
  void rollingRestartLosesNothing() {
    assertCriteria("rolling-restart", ZERO_DUPLICATES.negate());
  }

  @Test
  void rollingRestartDeliversNothingTwice() {
    assertCriteria("rolling-restart", ZERO_DUPLICATES);
  }

  @Test
  void membershipChurnWithAFailingEndpointLosesNothing() {
    assertCriteria("membership-churn", ONE_DEAD_LETTER.negate());
  }

  @Test
  void membershipChurnWithAFailingEndpointDeadLettersEachDeliveryOnce() {
    assertCriteria("membership-churn", ONE_DEAD_LETTER);
  }

  @Test
  void poisonIsDeadLetteredWithItsReasonAndEveryPartitionFlowsOn() {
    assertCriteria("poison", c -> true);
  }

  @Test
  void brokerOutageOf30SecondsLosesNothing() {
    assertCriteria("broker-outage", c -> true);
  }

  private static void assertCriteria(String scenario, Predicate<ScenarioResult.Check> which) {
    ScenarioResult result = RESULTS.computeIfAbsent(scenario, FaultToleranceIT::run);
    System.out.println(result);
    List<ScenarioResult.Check> checks = result.checks().stream().filter(which).toList();
    assertThat(checks).as("criteria of " + scenario).isNotEmpty();
    SoftAssertions soft = new SoftAssertions();
    for (ScenarioResult.Check c : checks) {
      soft.assertThat(c.passed())
          .as(scenario + ": " + c.criterion() + " [" + c.measured() + "]")
          .isTrue();
    }
    soft.assertAll();
  }

  private static ScenarioResult run(String scenario) {
    try {
      return FaultSuite.all().get(scenario).run(Scenarios.Scale.ci());
    } catch (Exception e) {
      throw new IllegalStateException(scenario + " could not run", e);
    }
  }
}
