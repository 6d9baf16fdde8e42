package dev.fanout.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.config.ConfigLoader;
import dev.fanout.config.FanoutConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {
  private static KafkaClients clients(Map<String, String> overrides) {
    Map<String, String> values = new HashMap<>(ConfigLoader.defaults());
    values.putAll(overrides);
    return new KafkaClients(FanoutConfig.from(values).kafka(), "test");
  }

  @Test
  void aWorkersFetchWaitsAtTheBrokerLessThanKafkasDefault() {
    Map<String, Object> settings =
        clients(Map.of()).groupConsumerSettings("group", "events", Map.of());

    assertThat(settings)
        .containsEntry(
            ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, KafkaClients.WORKER_FETCH_MAX_WAIT_MS);
    assertThat(KafkaClients.WORKER_FETCH_MAX_WAIT_MS)
        .isLessThan(ConsumerConfig.DEFAULT_FETCH_MAX_WAIT_MS);
  }

  @Test
  void theFetchWaitCanBeSetLikeAnyConsumerSetting() {
    Map<String, Object> settings =
        clients(Map.of("kafka.consumer.fetch.max.wait.ms", "300"))
            .groupConsumerSettings("group", "events", Map.of());

    assertThat(settings).containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "300");
  }

  @Test
  void whatFanoutsGuaranteesDependOnCannotBeSetOtherwise() {
    Map<String, Object> settings =
        clients(
                Map.of(
                    "kafka.consumer.enable.auto.commit", "true",
                    "kafka.consumer.isolation.level", "read_uncommitted"))
            .groupConsumerSettings("group", "events", Map.of());

    assertThat(settings)
        .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)
        .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
        .containsEntry(ConsumerConfig.GROUP_ID_CONFIG, "group");
  }
}
