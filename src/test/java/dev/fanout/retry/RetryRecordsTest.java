package dev.fanout.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fanout.delivery.DeliveryIds;
import dev.fanout.delivery.DeliveryTask;
import dev.fanout.event.Event;
import dev.fanout.event.Origin;
import dev.fanout.kafka.FanoutHeaders;
import dev.fanout.subscription.Subscription;
import dev.fanout.testing.TestSubscriptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetryRecordsTest {
  private static final String TOPIC = "fanout.retry.1m";
  private static final Instant RECORD_TIME = Instant.parse("2026-11-28T11:59:00.123Z");
  private static final Instant FIRST = Instant.parse("2026-11-28T12:00:00.001Z");
  private static final Instant LAST = Instant.parse("2026-11-28T12:01:05.5Z");
  private static final Instant DUE = Instant.parse("2026-11-28T12:02:11.25Z");
  private static final byte[] KEY = "space_1".getBytes(StandardCharsets.UTF_8);
  private static final byte[] BODY =
      "{\"id\":\"evt_1\",\"type\":\"job.failed\",\"space_id\":\"space_1\",\"x\":\"é\"}"
          .getBytes(StandardCharsets.UTF_8);
  private static final Subscription WEBHOOK =
      TestSubscriptions.subscription("wh_1", URI.create("https://hooks.example.com/y42"));

  @Test
  void writeKeepsTheOriginalValueBytesAndKeyOnTheTierTopic() {
    ProducerRecord<byte[], byte[]> record = RetryRecords.write(TOPIC, task(2, FIRST, LAST), DUE);

    assertThat(record.topic()).isEqualTo(TOPIC);
    assertThat(record.partition()).isNull();
    assertThat(record.key()).isEqualTo(KEY);
    assertThat(record.value()).isEqualTo(BODY);
  }

  @Test
  void readGivesBackWhatWasWritten() {
    DeliveryTask task = task(2, FIRST, LAST);

    RetryRecords.Pending pending =
        RetryRecords.read(consumed(RetryRecords.write(TOPIC, task, DUE)));

    assertThat(pending.webhookId()).isEqualTo("wh_1");
    assertThat(pending.deliveryId()).isEqualTo(DeliveryIds.of("evt_1", "wh_1"));
    assertThat(pending.attempts()).isEqualTo(2);
    assertThat(pending.firstAttemptAt()).isEqualTo(FIRST);
    assertThat(pending.lastAttemptAt()).isEqualTo(LAST);
    assertThat(pending.dueAt()).isEqualTo(DUE);
    Origin origin = pending.origin();
    assertThat(origin.topic()).isEqualTo("y42.events.jobs");
    assertThat(origin.partition()).isEqualTo(3);
    assertThat(origin.offset()).isEqualTo(42);
    assertThat(origin.key()).isEqualTo(KEY);
    assertThat(origin.timestamp()).isEqualTo(RECORD_TIME);
  }

  @Test
  void theSourceRecordsOwnHeadersAndTheReplayCountTravelThroughATier() {
    DeliveryTask plain = task(1, FIRST, FIRST);
    Origin traced =
        new Origin(
            "y42.events.jobs",
            3,
            42,
            KEY,
            RECORD_TIME,
            java.util.List.of(
                new Origin.Header("traceparent", bytes("00-4bf92f3577b34da6-00f067aa0ba902b7-01")),
                new Origin.Header("schema-id", bytes("7"))));
    DeliveryTask replayed =
        new DeliveryTask(
            plain.event(),
            plain.subscription(),
            plain.deliveryId(),
            traced,
            0,
            null,
            null,
            0,
            null,
            2);

    ProducerRecord<byte[], byte[]> written = RetryRecords.write(TOPIC, replayed, DUE);
    RetryRecords.Pending pending = RetryRecords.read(consumed(written));

    assertThat(written.headers().lastHeader("traceparent").value())
        .isEqualTo(bytes("00-4bf92f3577b34da6-00f067aa0ba902b7-01"));
    assertThat(pending.replays()).isEqualTo(2);
    assertThat(pending.origin().headers())
        .extracting(h -> h.key() + "=" + new String(h.value(), StandardCharsets.UTF_8))
        .containsExactly("traceparent=00-4bf92f3577b34da6-00f067aa0ba902b7-01", "schema-id=7");
    assertThat(RetryRecords.read(consumed(RetryRecords.write(TOPIC, plain, DUE))).replays())
        .isZero();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void taskHeldBeforeItsFirstAttemptComesBackWithoutAttemptTimes() {
    RetryRecords.Pending pending =
        RetryRecords.read(consumed(RetryRecords.write(TOPIC, task(0, null, null), DUE)));

    assertThat(pending.attempts()).isZero();
    assertThat(pending.firstAttemptAt()).isNull();
    assertThat(pending.lastAttemptAt()).isNull();
  }

  @Test
  void recordWithoutKeyComesBackWithoutKey() {
    DeliveryTask keyless =
        new DeliveryTask(
            event(),
            WEBHOOK,
            DeliveryIds.of("evt_1", "wh_1"),
            new Origin("y42.events.jobs", 3, 42, null, RECORD_TIME),
            1,
            FIRST,
            FIRST,
            0,
            null,
            0);

    ProducerRecord<byte[], byte[]> written = RetryRecords.write(TOPIC, keyless, DUE);

    assertThat(written.key()).isNull();
    assertThat(RetryRecords.read(consumed(written)).origin().key()).isNull();
  }

  @Test
  void taskRebuildsTheDeliveryWithTheGivenSubscriptionAndTheRecordedHistory() {
    Subscription moved =
        TestSubscriptions.subscription("wh_1", URI.create("https://new-home.example.com/hook"));
    RetryRecords.Pending pending =
        RetryRecords.read(consumed(RetryRecords.write(TOPIC, task(2, FIRST, LAST), DUE)));

    DeliveryTask task = RetryRecords.task(pending, event(), moved);

    assertThat(task.subscription()).isSameAs(moved);
    assertThat(task.deliveryId()).isEqualTo(DeliveryIds.of("evt_1", "wh_1"));
    assertThat(task.attempts()).isEqualTo(2);
    assertThat(task.firstAttemptAt()).isEqualTo(FIRST);
    assertThat(task.lastAttemptAt()).isEqualTo(LAST);
    assertThat(task.origin().offset()).isEqualTo(42);
    assertThat(task.event().body()).isEqualTo(BODY);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        FanoutHeaders.WEBHOOK_ID,
        FanoutHeaders.DELIVERY_ID,
        FanoutHeaders.ATTEMPTS,
        FanoutHeaders.DUE_AT,
        FanoutHeaders.SOURCE_TOPIC,
        FanoutHeaders.SOURCE_PARTITION,
        FanoutHeaders.SOURCE_OFFSET,
        FanoutHeaders.SOURCE_TIMESTAMP,
        FanoutHeaders.FIRST_ATTEMPT_AT,
        FanoutHeaders.LAST_ATTEMPT_AT
      })
  void missingRequiredHeaderIsAnIllegalArgumentNamingIt(String header) {
    ProducerRecord<byte[], byte[]> written = RetryRecords.write(TOPIC, task(1, FIRST, FIRST), DUE);
    written.headers().remove(header);

    assertThatThrownBy(() -> RetryRecords.read(consumed(written)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(header);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        FanoutHeaders.ATTEMPTS,
        FanoutHeaders.DUE_AT,
        FanoutHeaders.FIRST_ATTEMPT_AT,
        FanoutHeaders.SOURCE_PARTITION,
        FanoutHeaders.SOURCE_OFFSET,
        FanoutHeaders.SOURCE_TIMESTAMP
      })
  void unreadableHeaderIsAnIllegalArgument(String header) {
    ProducerRecord<byte[], byte[]> written = RetryRecords.write(TOPIC, task(1, FIRST, FIRST), DUE);
    written.headers().remove(header);
    written.headers().add(header, "soon".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> RetryRecords.read(consumed(written)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unreadable retry record");
  }

  @Test
  void aRecordWithHalfAnAttemptHistoryIsRefusedOnReadNotOnTheNextWrite() {
    // First-attempt time without a last-attempt time, and attempts made: it could never be
    // written back, so it is dead-lettered as unreadable when read.
    ProducerRecord<byte[], byte[]> written = RetryRecords.write(TOPIC, task(2, FIRST, LAST), DUE);
    written.headers().remove(FanoutHeaders.LAST_ATTEMPT_AT);

    assertThatThrownBy(() -> RetryRecords.read(consumed(written)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(FanoutHeaders.LAST_ATTEMPT_AT);
  }

  @Test
  void anyHistoryThatReadsCanBeWrittenAgain() {
    ProducerRecord<byte[], byte[]> written =
        RetryRecords.write(TOPIC, task(0, null, null).afterHold(FIRST), DUE);
    written.headers().add(FanoutHeaders.FIRST_ATTEMPT_AT, FIRST.toString().getBytes());

    RetryRecords.Pending pending = RetryRecords.read(consumed(written));
    DeliveryTask task = RetryRecords.task(pending, event(), WEBHOOK);

    assertThat(RetryRecords.write(TOPIC, task, DUE).headers().lastHeader(FanoutHeaders.HOLDS))
        .isNotNull();
  }

  @Test
  void aNegativeAttemptCountIsRefused() {
    ProducerRecord<byte[], byte[]> written = RetryRecords.write(TOPIC, task(1, FIRST, FIRST), DUE);
    written.headers().remove(FanoutHeaders.ATTEMPTS);
    written.headers().add(FanoutHeaders.ATTEMPTS, "-1".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> RetryRecords.read(consumed(written)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static DeliveryTask task(int attempts, Instant first, Instant last) {
    return new DeliveryTask(
        event(),
        WEBHOOK,
        DeliveryIds.of("evt_1", "wh_1"),
        new Origin("y42.events.jobs", 3, 42, KEY, RECORD_TIME),
        attempts,
        first,
        last,
        0,
        null,
        0);
  }

  private static Event event() {
    return new Event("evt_1", "job.failed", "space_1", null, BODY);
  }

  /** The record as a consumer of the tier topic sees it. */
  private static ConsumerRecord<byte[], byte[]> consumed(ProducerRecord<byte[], byte[]> record) {
    Headers headers = new RecordHeaders(record.headers().toArray());
    return new ConsumerRecord<>(
        record.topic(),
        0,
        7,
        RECORD_TIME.plusSeconds(300).toEpochMilli(),
        TimestampType.CREATE_TIME,
        -1,
        -1,
        record.key(),
        record.value(),
        headers,
        Optional.empty());
  }
}
