package dev.fanout.it;

import static dev.fanout.testing.FanoutHarness.event;
import static dev.fanout.testing.FanoutHarness.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.app.FanoutWorker;
import dev.fanout.signing.SecretCipher;
import dev.fanout.testing.FanoutHarness;
import dev.fanout.testing.TestReceiver;
import java.security.SecureRandom;
import java.time.Duration;
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

  private static String key() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }
}
