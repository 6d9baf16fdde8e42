package dev.fanout.it;

import static dev.fanout.testing.FanoutHarness.event;
import static dev.fanout.testing.FanoutHarness.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fanout.app.FanoutWorker;
import dev.fanout.signing.SecretCipher;
import dev.fanout.signing.SigningSecret;
import dev.fanout.subscription.EventPattern;
import dev.fanout.subscription.Subscription;
import dev.fanout.subscription.SubscriptionCodec;
import dev.fanout.testing.FanoutHarness;
import dev.fanout.testing.TestReceiver;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A webhook whose secret the worker cannot read fails closed: nothing is sent to it, unsigned or
 * otherwise, its deliveries are dead-lettered with a reason of their own, and the worker says so.
 */
class FailClosedIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private TestReceiver receiver;
  private FanoutHarness fanout;

  @BeforeEach
  void start() throws Exception {
    receiver = new TestReceiver();
    fanout = new FanoutHarness(Map.of(), SecretCipher.parse("k1:" + key()));
  }

  @AfterEach
  void stop() throws Exception {
    fanout.close();
    receiver.close();
  }

  @Test
  void aWebhookWhoseKeyIsGoneGetsNothingAndItsDeliveriesAreDeadLettered() throws Exception {
    String locked = fanout.addWebhook(receiver.url("/locked"), "*", "a-secret-0123456789");
    fanout.addWebhook(receiver.url("/open"), "*", null);
    // The worker knows another key only: the first webhook's secret cannot be read.
    FanoutWorker worker = fanout.startWorker(fanout.config(), SecretCipher.parse("k2:" + key()));

    fanout.produceEvent(fanout.jobsTopic(), event("evt_1", "job.failed"));

    List<ConsumerRecord<byte[], byte[]>> dead = fanout.deadLetters(1, WAIT);
    assertThat(dead).hasSize(1);
    assertThat(header(dead.get(0), "fanout.reason")).isEqualTo("secret_unavailable");
    assertThat(header(dead.get(0), "fanout.webhook.id")).isEqualTo(locked);
    assertThat(header(dead.get(0), "fanout.error"))
        .contains("k1")
        .doesNotContain("a-secret-0123456789");
    await().atMost(WAIT).until(() -> receiver.requests("/open").size() == 1);
    assertThat(receiver.requests("/locked")).isEmpty();
    assertThat(worker.ready()).as("not ready while a secret cannot be read").isFalse();
    assertThat(worker.registry().get("fanout.subscriptions.unreadable").gauge().value())
        .isEqualTo(1.0);
  }

  @Test
  void aPreviousSecretWhoseGracePeriodIsOverStopsNothingEvenWhenItCannotBeRead() throws Exception {
    String k1 = "k1:" + key();
    String k2 = "k2:" + key();
    Instant now = Instant.now();
    // Both previous secrets are under k1, which the worker does not know: one expired an hour ago
    // and signs nothing, the other is in its grace period and still signs.
    String expired = "wh_expired";
    String inGrace = "wh_in_grace";
    fanout.putConfigRecord(
        expired, previousUnder(k1, k2, expired, "/expired", now.minus(Duration.ofHours(1))));
    fanout.putConfigRecord(
        inGrace, previousUnder(k1, k2, inGrace, "/in-grace", now.plus(Duration.ofHours(1))));
    FanoutWorker worker = fanout.startWorker(fanout.config(), SecretCipher.parse(k2));

    fanout.produceEvent(fanout.jobsTopic(), event("evt_1", "job.failed"));

    await().atMost(WAIT).until(() -> receiver.requests("/expired").size() == 1);
    List<ConsumerRecord<byte[], byte[]>> dead = fanout.deadLetters(1, WAIT);
    assertThat(dead).hasSize(1);
    assertThat(header(dead.get(0), "fanout.reason")).isEqualTo("secret_unavailable");
    assertThat(header(dead.get(0), "fanout.webhook.id")).isEqualTo(inGrace);
    assertThat(receiver.requests("/in-grace")).isEmpty();
    assertThat(worker.registry().get("fanout.subscriptions.unreadable").gauge().value())
        .as("only the webhook whose unreadable secret still signs")
        .isEqualTo(1.0);
  }

  @Test
  void aWorkerWhoseOnlyUnreadableSecretHasExpiredIsReady() throws Exception {
    String k1 = "k1:" + key();
    String k2 = "k2:" + key();
    fanout.putConfigRecord(
        "wh_expired",
        previousUnder(k1, k2, "wh_expired", "/expired", Instant.now().minusSeconds(60)));
    FanoutWorker worker = fanout.startWorker(fanout.config(), SecretCipher.parse(k2));

    fanout.produceEvent(fanout.jobsTopic(), event("evt_1", "job.failed"));

    await().atMost(WAIT).until(() -> receiver.requests("/expired").size() == 1);
    await().atMost(WAIT).until(worker::ready);
  }

  /**
   * A record as another writer may leave it: the webhook's secret under {@code current}, its
   * previous secret, expiring at {@code previousExpiresAt}, under {@code previous}.
   */
  private byte[] previousUnder(
      String previous, String current, String id, String path, Instant previousExpiresAt)
      throws Exception {
    SigningSecret next = new SigningSecret("next-secret-0123456789");
    Subscription webhook =
        new Subscription(
            id,
            FanoutHarness.SPACE,
            receiver.url(path),
            List.of(new EventPattern("*")),
            true,
            next,
            new SigningSecret("old-secret-0123456789"),
            previousExpiresAt,
            "test",
            null,
            null);
    ObjectMapper json = new ObjectMapper();
    ObjectNode record =
        (ObjectNode)
            json.readTree(
                new SubscriptionCodec(SecretCipher.parse(previous)).encode(webhook, 1, null));
    byte[] underCurrent =
        new SubscriptionCodec(SecretCipher.parse(current))
            .encode(webhook.withoutExpiredPreviousSecret(Instant.MAX), 1, null);
    record.set("secret", json.readTree(underCurrent).get("secret"));
    return json.writeValueAsBytes(record);
  }

  private static String key() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }
}
