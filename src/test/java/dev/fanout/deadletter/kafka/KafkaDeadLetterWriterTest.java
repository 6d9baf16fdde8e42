package dev.fanout.deadletter.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.deadletter.DeadLetter;
import dev.fanout.event.Origin;
import dev.fanout.kafka.FanoutHeaders;
import dev.fanout.kafka.RecordSender;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** Unit test with Kafka's own MockProducer: what the writer sends when the broker says no. */
class KafkaDeadLetterWriterTest {
  private final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
  private final KafkaDeadLetterWriter writer =
      new KafkaDeadLetterWriter(new RecordSender(producer, "test-sender"), "fanout.dlq");
  private final byte[] value = "{\"id\":\"evt_1\"}".getBytes(StandardCharsets.UTF_8);
  private final DeadLetter deadLetter =
      DeadLetter.unusableEvent(
          new Origin("y42.events.jobs", 1, 42, "k".getBytes(StandardCharsets.UTF_8), Instant.EPOCH),
          value,
          "payload_too_large",
          "too big");

  @Test
  void writesTheOriginalKeyAndValueWithContextHeaders() {
    CompletableFuture<Void> done = writer.write(deadLetter);
    awaitSends(1);
    producer.completeNext();

    assertThat(done).isCompleted();
    ProducerRecord<byte[], byte[]> record = producer.history().get(0);
    assertThat(record.value()).isEqualTo(value);
    assertThat(record.key()).isEqualTo("k".getBytes(StandardCharsets.UTF_8));
    assertThat(header(record, "fanout.reason")).isEqualTo("payload_too_large");
    assertThat(header(record, "fanout.source.offset")).isEqualTo("42");
  }

  @Test
  void keepsTheSourceRecordsHeadersAndTimeAndCountsReplays() {
    Origin traced =
        new Origin(
            "y42.events.jobs",
            1,
            42,
            null,
            Instant.parse("2026-11-28T12:00:00Z"),
            List.of(
                new Origin.Header(
                    "traceparent", "00-abc-def-01".getBytes(StandardCharsets.UTF_8))));
    DeadLetter replayedTwice =
        new DeadLetter(
            traced,
            value,
            "http_status",
            "wh_1",
            "dlv_1",
            "evt_1",
            "job.failed",
            500,
            "HTTP 500",
            3,
            Instant.EPOCH,
            Instant.EPOCH,
            2);

    writer.write(replayedTwice);
    awaitSends(1);
    producer.completeNext();

    ProducerRecord<byte[], byte[]> record = producer.history().get(0);
    assertThat(header(record, "traceparent")).isEqualTo("00-abc-def-01");
    assertThat(header(record, FanoutHeaders.SOURCE_TIMESTAMP)).isEqualTo("2026-11-28T12:00:00Z");
    assertThat(header(record, FanoutHeaders.REPLAYS)).isEqualTo("2");
    assertThat(record.timestamp()).as("stamped by the producer when written").isNull();
    assertThat(header(producerRecordOf(deadLetter), FanoutHeaders.REPLAYS)).isNull();
  }

  private ProducerRecord<byte[], byte[]> producerRecordOf(DeadLetter letter) {
    int before = producer.history().size();
    writer.write(letter);
    awaitSends(before + 1);
    producer.completeNext();
    return producer.history().get(producer.history().size() - 1);
  }

  @Test
  void writesAValueTooLargeForTheTopicAgainWithoutIt() {
    CompletableFuture<Void> done = writer.write(deadLetter);
    awaitSends(1);
    producer.errorNext(new RecordTooLargeException("too large"));
    awaitSends(2);
    producer.completeNext();

    assertThat(done).isCompleted();
    assertThat(producer.history()).hasSize(2);
    ProducerRecord<byte[], byte[]> second = producer.history().get(1);
    assertThat(second.value()).isNull();
    assertThat(header(second, FanoutHeaders.VALUE_OMITTED)).isEqualTo("true");
    assertThat(header(second, FanoutHeaders.VALUE_BYTES)).isEqualTo(Integer.toString(value.length));
    assertThat(header(second, "fanout.source.topic")).isEqualTo("y42.events.jobs");
  }

  @Test
  void leavesOtherFailuresToTheCallerToRetry() {
    CompletableFuture<Void> done = writer.write(deadLetter);
    awaitSends(1);
    producer.errorNext(new TimeoutException("broker away"));

    assertThat(done).isCompletedExceptionally();
    assertThat(producer.history()).hasSize(1);
  }

  private static String header(ProducerRecord<byte[], byte[]> record, String name) {
    var h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /** Sends happen on Fanout's sender thread: wait until the producer has seen them. */
  private void awaitSends(int count) {
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .until(() -> producer.history().size() >= count);
  }
}
