package dev.fanout.it;

import static dev.fanout.testing.FanoutHarness.event;
import static dev.fanout.testing.FanoutHarness.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.app.FanoutWorker;
import dev.fanout.testing.FanoutHarness;
import dev.fanout.testing.TestReceiver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What cannot be delivered reaches the dead-letter topic with its reason, and work goes on. */
class DeadLetterIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String SECRET = "super-secret-value-1234";

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

  @Test
  void deadLettersAFailingEndpointWithEveryHeader() throws Exception {
    fanout = new FanoutHarness();
    receiver.answer("/fail", 500);
    String webhookId = fanout.addWebhook(receiver.url("/fail"), "job.failed", SECRET);
    fanout.startWorker();
    String produced = event("evt_fail", "job.failed");
    String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    Instant beforeProduce = Instant.now();
    fanout.produceEventWithHeaders(
        fanout.jobsTopic(), produced, Map.of("traceparent", traceparent, "schema-id", "7"));

    List<ConsumerRecord<byte[], byte[]>> dead = fanout.deadLetters(1, WAIT);
    assertThat(dead).hasSize(1);
    ConsumerRecord<byte[], byte[]> record = dead.get(0);
    assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo(produced);
    assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(FanoutHarness.SPACE);
    assertThat(header(record, "fanout.reason")).isEqualTo("http_status");
    assertThat(header(record, "fanout.webhook.id")).isEqualTo(webhookId);
    assertThat(header(record, "fanout.delivery.id"))
        .isEqualTo(receiver.requests("/fail").get(0).header("x-y42-delivery"));
    assertThat(header(record, "fanout.event.id")).isEqualTo("evt_fail");
    assertThat(header(record, "fanout.event.type")).isEqualTo("job.failed");
    assertThat(header(record, "fanout.http.status")).isEqualTo("500");
    assertThat(header(record, "fanout.error")).isNotBlank().hasSizeLessThanOrEqualTo(1024);
    // One first attempt and one retry for each of the three delays of the test schedule.
    assertThat(header(record, "fanout.attempts")).isEqualTo("4");
    assertThat(receiver.requests("/fail")).hasSize(4);
    Instant first = Instant.parse(header(record, "fanout.first.attempt.at"));
    Instant last = Instant.parse(header(record, "fanout.last.attempt.at"));
    assertThat(last).isAfter(first);
    assertThat(header(record, "fanout.source.topic")).isEqualTo(fanout.jobsTopic());
    assertThat(header(record, "fanout.source.partition")).matches("[0-2]");
    assertThat(header(record, "fanout.source.offset")).isEqualTo("0");
    // The source record's own headers travel through every retry tier to the dead letter; its
    // time is kept in a header, while the dead letter is stamped when it failed.
    assertThat(header(record, "traceparent")).isEqualTo(traceparent);
    assertThat(header(record, "schema-id")).isEqualTo("7");
    assertThat(record.headers().headers("traceparent")).hasSize(1);
    Instant sourceTime = Instant.parse(header(record, "fanout.source.timestamp"));
    assertThat(sourceTime).isBetween(beforeProduce.minusSeconds(5), first);
    assertThat(Instant.ofEpochMilli(record.timestamp())).isAfterOrEqualTo(last.minusSeconds(1));
    record
        .headers()
        .forEach(
            h -> assertThat(new String(h.value(), StandardCharsets.UTF_8)).doesNotContain(SECRET));
  }

  @Test
  void deadLettersAnInvalidEventAndDeliversTheRecordsAfterIt() throws Exception {
    fanout = new FanoutHarness();
    fanout.addWebhook(receiver.url("/ok"), "*", SECRET);
    fanout.startWorker();
    // Same key, so the same partition: the good event sits behind the bad one.
    fanout.produceEvent(fanout.jobsTopic(), "definitely { not json");
    fanout.produceEvent(fanout.jobsTopic(), "{\"id\":\"evt_x\",\"space_id\":\"space_42\"}");
    fanout.produceEvent(fanout.jobsTopic(), event("evt_good", "job.succeeded"));

    await().atMost(WAIT).until(() -> receiver.requests("/ok").size() == 1);
    List<ConsumerRecord<byte[], byte[]>> dead = fanout.deadLetters(2, WAIT);
    assertThat(dead).extracting(r -> header(r, "fanout.reason")).containsOnly("invalid_event");
    assertThat(dead)
        .extracting(r -> header(r, "fanout.source.offset"))
        .containsExactlyInAnyOrder("0", "1");
    assertThat(dead)
        .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
        .contains("definitely { not json");
    assertThat(header(dead.get(0), "fanout.error")).isNotBlank();
  }

  @Test
  void deadLettersAnOversizedEvent() throws Exception {
    fanout = new FanoutHarness(Map.of("delivery.max-body-bytes", "200"));
    fanout.addWebhook(receiver.url("/ok"), "*", SECRET);
    fanout.startWorker();
    String big =
        "{\"id\":\"evt_big\",\"type\":\"job.failed\",\"space_id\":\"space_42\",\"data\":\""
            + "x".repeat(300)
            + "\"}";
    fanout.produceEvent(fanout.jobsTopic(), big);

    List<ConsumerRecord<byte[], byte[]>> dead = fanout.deadLetters(1, WAIT);
    assertThat(dead).hasSize(1);
    assertThat(header(dead.get(0), "fanout.reason")).isEqualTo("payload_too_large");
    assertThat(dead.get(0).value()).hasSize(big.length());
    assertThat(receiver.requests()).isEmpty();
  }

  @Test
  void disablesTheWebhookAndDeadLettersAtOnceWhenTheEndpointAnswers410() throws Exception {
    fanout = new FanoutHarness();
    receiver.answer("/gone", 410);
    String webhookId = fanout.addWebhook(receiver.url("/gone"), "*", SECRET);
    FanoutWorker worker = fanout.startWorker();
    fanout.produceEvent(fanout.jobsTopic(), event("evt_gone", "job.failed"));

    List<ConsumerRecord<byte[], byte[]>> dead = fanout.deadLetters(1, WAIT);
    assertThat(header(dead.get(0), "fanout.reason")).isEqualTo("gone");
    assertThat(header(dead.get(0), "fanout.attempts")).isEqualTo("1");
    assertThat(receiver.requests("/gone")).hasSize(1);
    await()
        .atMost(WAIT)
        .until(() -> worker.subscriptions().get(webhookId).map(s -> !s.enabled()).orElse(false));
  }

  @Test
  void refusesATargetOutsideTheAllowedNetworks() throws Exception {
    // Loopback is not allowed here, so the SSRF guard must refuse the receiver's 127.0.0.1.
    fanout = new FanoutHarness(Map.of("delivery.allowed-networks", ""));
    fanout.addWebhook(receiver.url("/internal"), "*", SECRET);
    fanout.startWorker();
    fanout.produceEvent(fanout.jobsTopic(), event("evt_ssrf", "job.failed"));

    List<ConsumerRecord<byte[], byte[]>> dead = fanout.deadLetters(1, WAIT);
    assertThat(header(dead.get(0), "fanout.reason")).isEqualTo("blocked_target");
    assertThat(receiver.requests()).isEmpty();
  }
}
