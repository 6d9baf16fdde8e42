package dev.fanout.it;

import static dev.fanout.testing.FanoutHarness.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.history.HistoryCodec;
import dev.fanout.history.HistoryRecord;
import dev.fanout.testing.FanoutHarness;
import dev.fanout.testing.TestReceiver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every attempt of a delivery lands on the attempts topic, keyed by its delivery id. */
class HistoryIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String SECRET = "history-secret-value-5150";
  private static final String BODY_MARKER = "body-only-marker-77";

  private TestReceiver receiver;
  private FanoutHarness fanout;

  @BeforeEach
  void start() throws Exception {
    receiver = new TestReceiver();
  }

  @AfterEach
  void stop() throws Exception {
    if (fanout != null) {
      fanout.close();
    }
    receiver.close();
  }

  private static String eventWithMarker(String id) {
    return event(id, "job.failed").replace("}}", ",\"marker\":\"" + BODY_MARKER + "\"}}");
  }

  @Test
  void recordsTwoFailedAttemptsAndTheDeliveredOne() throws Exception {
    fanout = new FanoutHarness();
    AtomicInteger calls = new AtomicInteger();
    receiver.answer(
        "/flaky", r -> TestReceiver.Reply.status(calls.incrementAndGet() <= 2 ? 500 : 200));
    String webhookId = fanout.addWebhook(receiver.url("/flaky"), "job.failed", SECRET);
    fanout.startWorker();
    String produced = eventWithMarker("evt_hist");
    assertThat(produced).contains(BODY_MARKER);
    fanout.produceEvent(fanout.jobsTopic(), produced);

    await().atMost(WAIT).until(() -> receiver.deliveredEventIds("/flaky").size() == 1);
    String deliveryId = receiver.requests("/flaky").get(0).header("x-y42-delivery");
    List<ConsumerRecord<byte[], byte[]>> records =
        fanout.readTopic(fanout.config().topics().attempts(), 3, WAIT);
    // Nothing more arrives: exactly three attempts were recorded.
    List<ConsumerRecord<byte[], byte[]>> again =
        fanout.readTopic(fanout.config().topics().attempts(), 4, Duration.ofSeconds(2));
    assertThat(again).hasSize(3);

    assertThat(records).hasSize(3);
    for (ConsumerRecord<byte[], byte[]> record : records) {
      assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(deliveryId);
      assertThat(record.partition()).isEqualTo(records.get(0).partition());
      String json = new String(record.value(), StandardCharsets.UTF_8);
      assertThat(json).doesNotContain(SECRET).doesNotContain(BODY_MARKER);
    }
    List<HistoryRecord> history =
        records.stream().map(r -> HistoryCodec.decode(r.value())).toList();
    assertThat(history).extracting(HistoryRecord::kind).containsOnly("attempt");
    assertThat(history).extracting(HistoryRecord::attempt).containsExactly(1, 2, 3);
    assertThat(history).extracting(HistoryRecord::status).containsExactly(500, 500, 200);
    assertThat(history)
        .extracting(HistoryRecord::outcome)
        .containsExactly("retry", "retry", "delivered");
    assertThat(history)
        .extracting(HistoryRecord::error)
        .containsExactly("http_status", "http_status", null);
    assertThat(history).extracting(HistoryRecord::webhookId).containsOnly(webhookId);
    assertThat(history).extracting(HistoryRecord::eventId).containsOnly("evt_hist");
    assertThat(history).extracting(HistoryRecord::replays).containsOnly(0);
  }

  @Test
  void writesNothingWhenHistoryIsOff() throws Exception {
    fanout = new FanoutHarness(Map.of("history.enabled", "false"));
    receiver.answer("/fail", 500);
    fanout.addWebhook(receiver.url("/fail"), "job.failed", null);
    fanout.startWorker();
    fanout.produceEvent(fanout.jobsTopic(), event("evt_off", "job.failed"));

    // Four attempts (the test schedule has three retries), then a dead letter.
    assertThat(fanout.deadLetters(1, WAIT)).hasSize(1);
    assertThat(receiver.requests("/fail")).hasSize(4);
    assertThat(fanout.readTopic(fanout.config().topics().attempts(), 1, Duration.ofSeconds(3)))
        .isEmpty();
  }
}
