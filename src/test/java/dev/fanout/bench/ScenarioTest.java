package dev.fanout.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScenarioTest {
  @Test
  void scenarioSetsItsOptionsOverTheDefaults() {
    BenchOptions o = Scenario.named("hot-host-50ms").options(Map.of());

    assertThat(o.receivers()).isEqualTo(1);
    assertThat(o.fanout()).isEqualTo(10);
    assertThat(o.receiverLatency()).isEqualTo(Duration.ofMillis(50));
    assertThat(o.rawInFlight()).isEqualTo(512);
    assertThat(o.bodyBytes()).isEqualTo(1024);
  }

  @Test
  void flagGivenOverridesTheScenario() {
    BenchOptions o =
        Scenario.named("backlog-blackhole").options(Map.of("events", "50000", "receivers", "2"));

    assertThat(o.events()).isEqualTo(50_000);
    assertThat(o.receivers()).isEqualTo(2);
    assertThat(o.blackHoles()).isEqualTo(1);
  }

  @Test
  void noScenarioIsTheDefaultsAndTheFlags() {
    BenchOptions o = Scenario.NONE.options(Map.of("failing", "2"));

    assertThat(o.receivers()).isEqualTo(10);
    assertThat(o.failing()).isEqualTo(2);
    assertThat(o.latencyRate()).isZero();
  }

  @Test
  void everyReceiverIsSlowUnlessSlowReceiversSaysHowMany() {
    assertThat(Scenario.NONE.options(Map.of()).slowReceivers()).isEqualTo(Integer.MAX_VALUE);
    assertThat(Scenario.NONE.options(Map.of("slow-receivers", "1")).slowReceivers()).isEqualTo(1);
    assertThatThrownBy(() -> Scenario.NONE.options(Map.of("slow-receivers", "some")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--slow-receivers");
  }

  @Test
  void everyScenarioResolvesToValidOptions() {
    for (Scenario s : Scenario.SCENARIOS) {
      assertThat(s.options(Map.of())).as(s.name()).isNotNull();
    }
  }

  @Test
  void aScenarioComparedWithItsTwinMeasuresLatencyOverThirtySeconds() {
    // Both runs' p99s are compared: over 5 s, one stall of the bench's own process made one.
    List<Scenario> withTwin =
        Scenario.SCENARIOS.stream().filter(s -> s.baseline() == Scenario.Baseline.SAME).toList();

    assertThat(withTwin)
        .extracting(Scenario::name)
        .contains("isolation-shared", "isolation-separate");
    for (Scenario s : withTwin) {
      assertThat(s.options(Map.of()).latencyPhase()).as(s.name()).isEqualTo(Duration.ofSeconds(30));
    }
  }

  @Test
  void unknownNameListsTheKnownOnes() {
    assertThatThrownBy(() -> Scenario.named("hot"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("all, hot-host, hot-host-50ms");
  }

  @Test
  void badFlagValueNamesTheFlag() {
    assertThatThrownBy(() -> Scenario.named("hot-host").options(Map.of("events", "lots")))
        .hasMessage("--events: 'lots' is not a number");
    assertThatThrownBy(() -> Scenario.NONE.options(Map.of("troubled-hosts", "apart")))
        .hasMessage("--troubled-hosts: 'apart' is not one of shared, separate");
  }

  @Test
  void shortBaselineRunsATenthOfTheEventsButAtLeastTenThousand() {
    assertThat(Scenario.baselineEvents(Scenario.Baseline.SHORT, 1_000_000)).isEqualTo(100_000);
    assertThat(Scenario.baselineEvents(Scenario.Baseline.SHORT, 50_000)).isEqualTo(10_000);
    assertThat(Scenario.baselineEvents(Scenario.Baseline.SHORT, 5_000)).isEqualTo(5_000);
    assertThat(Scenario.baselineEvents(Scenario.Baseline.SAME, 20_000)).isEqualTo(20_000);
  }

  @Test
  void aTwinOfTheSameLengthRunsAroundTheScenarioAfterAWarmUpAShortOneBefore() {
    assertThat(Scenario.runOrder(Scenario.Baseline.SAME, 1))
        .containsExactly(
            Scenario.Run.WARM_UP,
            Scenario.Run.TWIN,
            Scenario.Run.SCENARIO,
            Scenario.Run.SCENARIO,
            Scenario.Run.TWIN);
    assertThat(Scenario.runOrder(Scenario.Baseline.SHORT, 0))
        .containsExactly(Scenario.Run.TWIN, Scenario.Run.SCENARIO);
  }

  @Test
  void nothingMeasuredIsTheFirstRunOfAColdJvm() {
    assertThat(Scenario.runOrder(Scenario.Baseline.NONE, 1))
        .containsExactly(Scenario.Run.WARM_UP, Scenario.Run.SCENARIO);
    assertThat(Scenario.runOrder(Scenario.Baseline.SHORT, 1))
        .containsExactly(Scenario.Run.WARM_UP, Scenario.Run.TWIN, Scenario.Run.SCENARIO);
    assertThat(Scenario.runOrder(Scenario.Baseline.NONE, 0)).containsExactly(Scenario.Run.SCENARIO);
    // With history both, the first passes warm up: a pass of its own adds no warm-up run.
    assertThat(Scenario.runOrder(Scenario.Baseline.SAME, 0))
        .containsExactly(
            Scenario.Run.TWIN, Scenario.Run.SCENARIO, Scenario.Run.SCENARIO, Scenario.Run.TWIN);
  }

  @Test
  void warmUpsOfAScenarioWithATwinAlternateTheScenarioFirst() {
    assertThat(Scenario.runOrder(Scenario.Baseline.SAME, 3))
        .containsExactly(
            Scenario.Run.WARM_UP,
            Scenario.Run.WARM_UP_TWIN,
            Scenario.Run.WARM_UP,
            Scenario.Run.TWIN,
            Scenario.Run.SCENARIO,
            Scenario.Run.SCENARIO,
            Scenario.Run.TWIN);
    assertThat(Scenario.runOrder(Scenario.Baseline.NONE, 2))
        .containsExactly(Scenario.Run.WARM_UP, Scenario.Run.WARM_UP, Scenario.Run.SCENARIO);
  }

  @Test
  void moreWarmUpsComeBeforeEverythingMeasured() {
    assertThat(Scenario.runOrder(Scenario.Baseline.SHORT, 3))
        .containsExactly(
            Scenario.Run.WARM_UP,
            Scenario.Run.WARM_UP_TWIN,
            Scenario.Run.WARM_UP,
            Scenario.Run.TWIN,
            Scenario.Run.SCENARIO);
  }

  @Test
  void historyBothWarmsUpAsToldThenRunsOnOffOffOn() {
    assertThat(HistoryMode.BOTH.runs(Bench.DEFAULT_WARM_UPS))
        .containsExactly(true, true, true, true, false, false, true);
    assertThat(HistoryMode.BOTH.runs(0)).containsExactly(true, false, false, true);
    assertThat(HistoryMode.ON.runs(3)).containsExactly(true);
    assertThat(Bench.DEFAULT_WARM_UPS).isEqualTo(3);
  }
}
