package dev.fanout.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
}
