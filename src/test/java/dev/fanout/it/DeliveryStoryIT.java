package dev.fanout.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.history.DeadLetterEntry;
import dev.fanout.history.DeliveryStory;
import dev.fanout.history.HistoryCodec;
import dev.fanout.history.HistoryRecord;
import dev.fanout.history.kafka.KafkaDeliveryHistory;
import dev.fanout.kafka.FanoutHeaders;
import dev.fanout.kafka.KafkaClients;
import dev.fanout.testing.FanoutHarness;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code deliveries show} reads the dead-letter topic only from shortly before the delivery began,
 * when its history says when that was, and the whole topic when it does not.
 */
class DeliveryStoryIT {
  private static final Instant NOW = Instant.now();

  private FanoutHarness fanout;
  private KafkaProducer<byte[], byte[]> producer;

  @BeforeEach
  void start() {
    fanout = new FanoutHarness();
    producer = new KafkaClients(fanout.config().kafka(), "story").durableProducer("story");
  }

  @AfterEach
  void stop() throws Exception {
    producer.close();
    fanout.close();
  }

  @Test
  void aDeliveryWhoseBeginningIsInTheHistoryIsLookedForFromThenOn() throws Exception {
    // A dead letter of the same id from before the delivery began: only a full read finds it.
    DeliveryStory story = storyAfter("dlv_story_begun", "stale", 0);

    assertThat(story.history()).hasSize(1);
    assertThat(story.deadLetters())
        .extracting(DeadLetterEntry::reason)
        .containsExactly("retries_exhausted");
  }

  @Test
  void aDeliveryWhoseBeginningHasExpiredIsLookedForInTheWholeTopic() throws Exception {
    // Left in the history: a replay's first attempt, days after the first dead letter.
    DeliveryStory story = storyAfter("dlv_story_midway", "retries_exhausted", 1);

    assertThat(story.deadLetters())
        .extracting(DeadLetterEntry::at)
        .containsExactly(
            NOW.minus(Duration.ofDays(2)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS),
            NOW.minus(Duration.ofMinutes(5)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
  }

  @Test
  void aDeadLetterWrittenJustBeforeItsOnlyHistoryRecordIsFound() throws Exception {
    // Dead-lettered without an attempt (a secret that cannot be read): the dead letter is written
    // first, its history record after the broker acknowledged it.
    String id = "dlv_story_no_attempt";
    deadLetter(id, NOW.minus(Duration.ofSeconds(2)), "secret_unavailable");
    history(
        id,
        new HistoryRecord(
            HistoryRecord.DEAD_LETTER,
            id,
            "wh_1",
            "evt_1",
            "job.failed",
            0,
            0,
            HistoryRecord.DEAD_LETTERED,
            0,
            "secret_unavailable",
            null,
            0,
            NOW,
            null),
        NOW);

    assertThat(story(id).deadLetters())
        .extracting(DeadLetterEntry::reason)
        .containsExactly("secret_unavailable");
  }

  /**
   * The story of a delivery with a dead letter two days old ({@code oldReason}), then an attempt 1
   * of replay {@code replays} ten minutes ago, then a dead letter five minutes ago.
   */
  private DeliveryStory storyAfter(String id, String oldReason, int replays) throws Exception {
    deadLetter(id, NOW.minus(Duration.ofDays(2)), oldReason);
    attempt(id, 1, replays, NOW.minus(Duration.ofMinutes(10)));
    deadLetter(id, NOW.minus(Duration.ofMinutes(5)), "retries_exhausted");
    return story(id);
  }

  private DeliveryStory story(String id) {
    try (KafkaDeliveryHistory history =
        new KafkaDeliveryHistory(
            new KafkaClients(fanout.config().kafka(), "story").assignedConsumer("story"),
            fanout.config().topics().attempts(),
            fanout.config().topics().dlq())) {
      return history.story(id, progress -> {});
    }
  }

  private void attempt(String id, int attempt, int replays, Instant at) throws Exception {
    history(
        id,
        new HistoryRecord(
            HistoryRecord.ATTEMPT,
            id,
            "wh_1",
            "evt_1",
            "job.failed",
            attempt,
            replays,
            HistoryRecord.RETRY,
            500,
            "http_status",
            "HTTP 500",
            3,
            at,
            null),
        at);
  }

  private void history(String id, HistoryRecord record, Instant at) throws Exception {
    producer
        .send(
            new ProducerRecord<>(
                fanout.config().topics().attempts(),
                null,
                at.toEpochMilli(),
                id.getBytes(StandardCharsets.UTF_8),
                HistoryCodec.encode(record)))
        .get();
  }

  private void deadLetter(String id, Instant at, String reason) throws Exception {
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(
            fanout.config().topics().dlq(),
            null,
            at.toEpochMilli(),
            "key".getBytes(StandardCharsets.UTF_8),
            "{}".getBytes(StandardCharsets.UTF_8));
    record.headers().add(FanoutHeaders.DELIVERY_ID, id.getBytes(StandardCharsets.UTF_8));
    record.headers().add(FanoutHeaders.REASON, reason.getBytes(StandardCharsets.UTF_8));
    producer.send(record).get();
  }
}
