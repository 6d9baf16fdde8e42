package dev.fanout.retry.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.delivery.DeliveryTask;
import dev.fanout.delivery.Retries;
import dev.fanout.event.Event;
import dev.fanout.event.Origin;
import dev.fanout.retry.RetryTiers;
import dev.fanout.testing.TestSubscriptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Unit test with Kafka's own MockProducer: which tier a task goes to, and what ends a hand-over.
 */
class KafkaRetrySchedulerTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

  private final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
  private final KafkaRetryScheduler scheduler =
      new KafkaRetryScheduler(
          new dev.fanout.kafka.RecordSender(producer, "test-sender"),
          new RetryTiers(
              "fanout.retry.", List.of(Duration.ofSeconds(5), Duration.ofMinutes(1)), 0.2),
          Clock.fixed(NOW, ZoneOffset.UTC));
  private final DeliveryTask task =
      DeliveryTask.first(
          new Event("evt_1", "job.failed", "space_1", null, "{}".getBytes(StandardCharsets.UTF_8)),
          TestSubscriptions.subscription("wh_1", URI.create("https://hooks.example.com/y")),
          new Origin("y42.events.jobs", 0, 1, null, NOW));

  @Test
  void writesToTheTierThatCoversTheWait() throws Exception {
    CompletableFuture<String> tier = scheduler.schedule(task, NOW.plusSeconds(30));
    awaitSends(1);
    producer.completeNext();

    assertThat(tier.get()).isEqualTo("1m");
    assertThat(producer.history().get(0).topic()).isEqualTo("fanout.retry.1m");
  }

  @Test
  void refusesForGoodWhenTheRecordIsTooLargeForTheTier() {
    CompletableFuture<String> tier = scheduler.schedule(task, NOW.plusSeconds(5));
    awaitSends(1);
    producer.errorNext(new RecordTooLargeException("too large"));

    Assertions.assertThatThrownBy(tier::get)
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(Retries.Refused.class);
  }

  @Test
  void reportsOtherFailuresAsTheyAreSoTheyAreRetried() {
    CompletableFuture<String> tier = scheduler.schedule(task, NOW.plusSeconds(5));
    awaitSends(1);
    producer.errorNext(new TimeoutException("broker away"));

    Assertions.assertThatThrownBy(tier::get)
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(TimeoutException.class);
  }

  /** Sends happen on Fanout's sender thread: wait until the producer has seen them. */
  private void awaitSends(int count) {
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .until(() -> producer.history().size() >= count);
  }
}
