package dev.fanout.it;

import static dev.fanout.testing.FanoutHarness.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.testing.FanoutHarness;
import dev.fanout.testing.TestReceiver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Events produced to a real broker arrive at real HTTP endpoints, signed as the contract says. */
class DeliveryIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private TestReceiver receiver;
  private FanoutHarness fanout;

  @BeforeEach
  void start() throws Exception {
    receiver = new TestReceiver();
    fanout = new FanoutHarness();
  }

  @AfterEach
  void stop() throws Exception {
    fanout.close();
    receiver.close();
  }

  @Test
  void deliversTheProducedBytesWithEveryHeaderAndBothSignatures() throws Exception {
    String secret = "It's a Secret to Everybody";
    String webhookId = fanout.addWebhook(receiver.url("/hook"), "job.*", secret);
    fanout.startWorker();
    // Odd spacing and non-ASCII text: the body must be the produced bytes, not a re-serialisation.
    String produced =
        "{ \"id\" : \"evt_1\", \"type\":\"job.failed\",  \"space_id\":\"space_42\","
            + " \"data\": {\"job\": \"Umsätze\", \"n\": 1.50} }";
    fanout.produceEvent(fanout.jobsTopic(), produced);

    await().atMost(WAIT).until(() -> receiver.requests("/hook").size() == 1);
    TestReceiver.Request request = receiver.requests("/hook").get(0);
    byte[] body = produced.getBytes(StandardCharsets.UTF_8);
    assertThat(request.body()).isEqualTo(body);
    assertThat(request.header("content-type")).startsWith("application/json");
    assertThat(request.header("user-agent")).startsWith("Fanout/");
    assertThat(request.header("x-y42-event")).isEqualTo("job.failed");
    assertThat(request.header("x-y42-webhook-id")).isEqualTo(webhookId);
    String deliveryId = request.header("x-y42-delivery");
    assertThat(deliveryId).startsWith("dlv_");
    assertThat(request.header("webhook-id")).isEqualTo(deliveryId);
    long timestamp = Long.parseLong(request.header("webhook-timestamp"));
    assertThat(timestamp)
        .isBetween(Instant.now().getEpochSecond() - 120, Instant.now().getEpochSecond() + 5);

    // Independent implementations of both schemes, straight from javax.crypto.
    byte[] key = secret.getBytes(StandardCharsets.UTF_8);
    assertThat(request.header("x-y42-signature"))
        .isEqualTo("sha256=" + HexFormat.of().formatHex(hmac(key, body)));
    byte[] signed =
        (deliveryId + "." + timestamp + "." + produced).getBytes(StandardCharsets.UTF_8);
    assertThat(request.header("webhook-signature"))
        .isEqualTo("v1," + Base64.getEncoder().encodeToString(hmac(key, signed)));
  }

  @Test
  void sendsNoSignatureHeadersWithoutASecret() throws Exception {
    fanout.addWebhook(receiver.url("/plain"), "*", null);
    fanout.startWorker();
    fanout.produceEvent(fanout.jobsTopic(), event("evt_plain", "job.succeeded"));

    await().atMost(WAIT).until(() -> receiver.requests("/plain").size() == 1);
    TestReceiver.Request request = receiver.requests("/plain").get(0);
    assertThat(request.header("x-y42-signature")).isNull();
    assertThat(request.header("webhook-signature")).isNull();
    assertThat(request.header("x-y42-delivery")).startsWith("dlv_");
  }

  @Test
  void routesEachEventOnlyToMatchingWebhooksOfItsSpace() throws Exception {
    fanout.addWebhook(receiver.url("/failed"), "job.failed", "test-secret-1-0123456789");
    fanout.addWebhook(
        receiver.url("/orchestrations"), "orchestration.*", "test-secret-2-0123456789");
    fanout.putWebhook(
        "wh_other_space",
        "space_other",
        receiver.url("/other"),
        "*",
        true,
        "test-secret-3-0123456789");
    fanout.startWorker();

    fanout.produceEvent(fanout.jobsTopic(), event("evt_a", "job.failed"));
    fanout.produceEvent(fanout.jobsTopic(), event("evt_b", "job.succeeded"));
    fanout.produceEvent(fanout.orchestrationsTopic(), event("evt_c", "orchestration.finished"));
    // A sentinel after the others, on the same partition as evt_a and evt_b.
    fanout.produceEvent(fanout.jobsTopic(), event("evt_last", "job.failed"));

    await().atMost(WAIT).until(() -> receiver.requests("/failed").size() == 2);
    await().atMost(WAIT).until(() -> receiver.requests("/orchestrations").size() == 1);
    assertThat(receiver.requests("/failed"))
        .extracting(r -> r.header("x-y42-event"))
        .containsOnly("job.failed");
    assertThat(receiver.requests("/orchestrations").get(0).header("x-y42-event"))
        .isEqualTo("orchestration.finished");
    assertThat(receiver.requests("/other")).isEmpty();
  }

  @Test
  void keepsTheDeliveryIdAcrossRetries() throws Exception {
    java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();
    receiver.answer(
        "/flaky", r -> TestReceiver.Reply.status(calls.incrementAndGet() < 3 ? 503 : 200));
    fanout.addWebhook(receiver.url("/flaky"), "*", "test-secret-0123456789");
    fanout.startWorker();
    fanout.produceEvent(fanout.jobsTopic(), event("evt_retry", "job.failed"));

    await().atMost(WAIT).until(() -> receiver.requests("/flaky").size() == 3);
    assertThat(receiver.requests("/flaky"))
        .extracting(r -> r.header("x-y42-delivery"))
        .containsOnly(receiver.requests("/flaky").get(0).header("x-y42-delivery"));
    assertThat(fanout.deadLetters(1, Duration.ofSeconds(2))).isEmpty();
  }

  private static byte[] hmac(byte[] key, byte[] data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }
}
