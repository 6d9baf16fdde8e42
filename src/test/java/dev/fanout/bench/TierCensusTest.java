package dev.fanout.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class TierCensusTest {
  private static final String PREFIX = "bench-1.retry.";

  private static ConsumerRecord<byte[], byte[]> record(String topic, String... headers) {
    RecordHeaders h = new RecordHeaders();
    for (int i = 0; i < headers.length; i += 2) {
      h.add(headers[i], headers[i + 1].getBytes(StandardCharsets.UTF_8));
    }
    return new ConsumerRecord<>(
        topic, 0, 0, 0, TimestampType.CREATE_TIME, 0, 0, null, new byte[0], h, Optional.empty());
  }

  private static ConsumerRecords<byte[], byte[]> records(
      String topic, List<ConsumerRecord<byte[], byte[]>> list) {
    return new ConsumerRecords<>(Map.of(new TopicPartition(topic, 0), list), Map.of());
  }

  @Test
  void countsTierRecordsOfHealthyAndTroubledWebhooksPerTier() {
    TierCensus census = new TierCensus(Set.of("wh_bench_2", "wh_bench_3"), PREFIX);

    census.retries(
        records(
            PREFIX + "5s",
            List.of(
                record(PREFIX + "5s", "fanout.webhook.id", "wh_bench_0"),
                record(PREFIX + "5s", "fanout.webhook.id", "wh_bench_0"),
                record(PREFIX + "5s", "fanout.webhook.id", "wh_bench_2"),
                record(PREFIX + "5s"))));
    census.retries(
        records(PREFIX + "1m", List.of(record(PREFIX + "1m", "fanout.webhook.id", "wh_bench_1"))));

    TierCensus.Counts c = census.counts();
    assertThat(c.healthyRetries()).isEqualTo(1);
    assertThat(c.troubledRetries()).isEqualTo(3);
    assertThat(c.unattributedRetries()).isEqualTo(1);
    assertThat(c.retriesByTier()).isEqualTo(Map.of("5s", 4L, "1m", 1L));
  }

  @Test
  void countsDeadLettersByReasonAndHealthyOnes() {
    TierCensus census = new TierCensus(Set.of("wh_bench_2"), PREFIX);
    String dlq = "bench-1.dlq";

    census.deadLetters(
        records(
            dlq,
            List.of(
                record(
                    dlq, "fanout.reason", "retries_exhausted", "fanout.webhook.id", "wh_bench_0"),
                record(
                    dlq, "fanout.reason", "retries_exhausted", "fanout.webhook.id", "wh_bench_1"),
                record(dlq, "fanout.reason", "expired", "fanout.webhook.id", "wh_bench_2"),
                record(dlq))));

    TierCensus.Counts c = census.counts();
    assertThat(c.deadLetters()).isEqualTo(4);
    assertThat(c.healthyDeadLetters()).isEqualTo(1);
    assertThat(c.deadLettersByReason())
        .isEqualTo(Map.of("retries_exhausted", 2L, "expired", 1L, "(none)", 1L));
  }

  @Test
  void nothingReadIsAllZero() {
    TierCensus.Counts c = new TierCensus(Set.of("wh_bench_0"), PREFIX).counts();

    assertThat(c.healthyRetries() + c.troubledRetries() + c.deadLetters()).isZero();
    assertThat(c.retriesByTier()).isEmpty();
  }
}
