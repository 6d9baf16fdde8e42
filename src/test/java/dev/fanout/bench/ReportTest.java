package dev.fanout.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {
  @Test
  void aScenarioWithTroubledWebhooksSharesItsRateAmongTheHealthyOnesOnly() {
    BenchOptions scenario = Scenario.named("isolation-shared").options(Map.of());
    BenchOptions twin = scenario.withAllHealthy(scenario.events());

    // 10 webhooks per event, 1 black hole and 1 failing: 8 healthy; the twin has 10.
    assertThat(Report.perHealthyWebhook(16_000, scenario)).isCloseTo(2_000, within(1e-9));
    assertThat(Report.perHealthyWebhook(20_000, twin)).isCloseTo(2_000, within(1e-9));
  }

  @Test
  void runsThatShouldAgreeAndDoNotAreCalledOut() {
    // The all-healthy twins of one isolation-separate run: one of them ran at 70 % of the other.
    assertThat(Report.disagreement("all-healthy", List.of(38_510.0, 27_034.0)))
        .isEqualTo(
            "; the all-healthy runs disagree (27034 to 38510 deliveries/s): run it again before"
                + " reading the ratio");
    assertThat(Report.disagreement("all-healthy", List.of(38_902.0, 38_768.0))).isEmpty();
    assertThat(Report.disagreement("all-healthy", List.of(38_902.0))).isEmpty();
  }
}
