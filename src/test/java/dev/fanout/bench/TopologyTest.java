package dev.fanout.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fanout.bench.Topology.Placement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopologyTest {
  private static Topology topology(String... flags) {
    Map<String, String> given = new HashMap<>();
    for (int i = 0; i < flags.length; i += 2) {
      given.put(flags[i], flags[i + 1]);
    }
    return Topology.of(BenchOptions.resolve(Map.of(), given));
  }

  private static List<Integer> receivers(Topology t) {
    return t.webhooks().stream().map(Placement::receiver).toList();
  }

  @Test
  void oneReceiverPutsEveryWebhookBehindTheHotHost() {
    Topology t = topology("fanout", "10", "receivers", "1", "black-hole", "1", "failing", "1");

    assertThat(t.receivers()).isEqualTo(1);
    assertThat(receivers(t)).containsOnly(0);
    assertThat(t.webhooks().get(0).path()).isEqualTo("/hole/0");
    assertThat(t.webhooks().get(1).path()).isEqualTo("/fail/1");
    assertThat(t.webhooks().get(2).path()).isEqualTo("/hook/2");
    assertThat(t.healthy()).hasSize(8);
    assertThat(t.describe()).isEqualTo("receiver 0: 8 healthy, 1 failing, 1 black hole");
  }

  @Test
  void evenSpreadIsRoundRobinWithTroubledWebhooksCountedInWebhooks() {
    Topology t = topology("fanout", "10", "receivers", "10", "black-hole", "1", "failing", "1");

    assertThat(receivers(t)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    assertThat(t.describe())
        .isEqualTo(
            "receiver 0: 1 black hole; receiver 1: 1 failing; receivers 2-9: 1 healthy each");
  }

  @Test
  void separateTroubledHostsGiveEachTroubledWebhookAHostOfItsOwn() {
    Topology t =
        topology(
            "fanout",
            "10",
            "receivers",
            "1",
            "black-hole",
            "1",
            "failing",
            "1",
            "troubled-hosts",
            "separate");

    assertThat(t.receivers()).isEqualTo(3);
    assertThat(receivers(t)).containsExactly(1, 2, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  @Test
  void skewedSpreadPutsHalfTheWebhooksOnTheFirstReceiver() {
    Topology t = topology("fanout", "10", "receivers", "3", "spread", "skewed");

    assertThat(receivers(t)).containsExactly(0, 0, 0, 0, 0, 1, 2, 1, 2, 1);
  }

  @Test
  void skewedSpreadOverOneReceiverIsTheHotHost() {
    assertThat(receivers(topology("fanout", "5", "receivers", "1", "spread", "skewed")))
        .containsOnly(0);
  }

  @Test
  void allHealthyKeepsTheLayout() {
    Topology troubled =
        topology("fanout", "4", "receivers", "1", "black-hole", "1", "troubled-hosts", "separate");
    Topology healthy =
        topology(
            "fanout",
            "4",
            "receivers",
            "1",
            "black-hole",
            "1",
            "troubled-hosts",
            "separate",
            "all-healthy",
            "true");

    assertThat(receivers(healthy)).isEqualTo(receivers(troubled));
    assertThat(healthy.healthy()).hasSize(4);
    assertThat(healthy.webhooks().get(0).path()).isEqualTo("/hook/0");
  }

  @Test
  void refusesALayoutWithoutAHealthyWebhook() {
    assertThatThrownBy(() -> topology("fanout", "2", "black-hole", "1", "failing", "1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one healthy webhook");
  }
}
