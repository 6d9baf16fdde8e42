package dev.fanout.it;

import static dev.fanout.testing.FanoutHarness.event;
import static dev.fanout.testing.FanoutHarness.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fanout.app.FanoutWorker;
import dev.fanout.signing.SecretCipher;
import dev.fanout.testing.FanoutHarness;
import dev.fanout.testing.TestReceiver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Someone who can write the config topic but holds no key cannot take over a webhook: re-pointing a
 * signed webhook keeps a ciphertext bound to its old URL, which then fails closed, and with
 * authenticated config required a record they write is not even read.
 */
class ConfigForgeryIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "forgery-test-secret-0123456789";

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
  void aWebhookRepointedWithItsCiphertextKeptSendsNothingToTheNewUrl() throws Exception {
    fanout = new FanoutHarness();
    String id = fanout.addWebhook(receiver.url("/owner"), "*", SECRET);
    ObjectNode forged = lastRecord(id);
    forged.put("url", receiver.url("/attacker").toString());
    forged.put("version", forged.get("version").asLong() + 1);
    fanout.putConfigRecord(id, JSON.writeValueAsBytes(forged));
    FanoutWorker worker = fanout.startWorker();

    fanout.produceEvent(fanout.jobsTopic(), event("evt_1", "job.failed"));

    List<ConsumerRecord<byte[], byte[]>> dead = fanout.deadLetters(1, WAIT);
    assertThat(dead).hasSize(1);
    assertThat(header(dead.get(0), "fanout.reason")).isEqualTo("secret_unavailable");
    assertThat(header(dead.get(0), "fanout.webhook.id")).isEqualTo(id);
    assertThat(header(dead.get(0), "fanout.error")).doesNotContain(SECRET);
    assertThat(worker.subscriptions().get(id).orElseThrow().url())
        .isEqualTo(receiver.url("/attacker"));
    assertThat(receiver.requests()).isEmpty();
  }

  @Test
  void anUnsignedRecordIsRefusedWhenAuthenticatedConfigIsRequired() throws Exception {
    fanout =
        new FanoutHarness(
            Map.of("security.require-authenticated-config", "true"),
            SecretCipher.generateKeySpec("k1"),
            SecretCipher.generateKeySpec("c1"));
    String signed = fanout.addWebhook(receiver.url("/signed"), "*", SECRET);
    String unsigned =
        "{\"id\":\"wh_unsigned\",\"space_id\":\""
            + FanoutHarness.SPACE
            + "\",\"url\":\""
            + receiver.url("/unsigned")
            + "\",\"events\":[\"*\"],\"enabled\":true}";
    fanout.putConfigRecord("wh_unsigned", unsigned.getBytes(StandardCharsets.UTF_8));
    FanoutWorker worker = fanout.startWorker();

    fanout.produceEvent(fanout.jobsTopic(), event("evt_1", "job.failed"));

    await().atMost(WAIT).until(() -> receiver.requests("/signed").size() == 1);
    assertThat(worker.subscriptions().get(signed)).isPresent();
    assertThat(worker.subscriptions().get("wh_unsigned")).isEmpty();
    assertThat(
            worker
                .registry()
                .get("fanout.config.records.rejected")
                .tag("reason", "unauthenticated")
                .counter()
                .count())
        .isEqualTo(1.0);
    assertThat(receiver.requests("/unsigned")).isEmpty();
  }

  private ObjectNode lastRecord(String id) throws Exception {
    ConsumerRecord<byte[], byte[]> last = null;
    for (ConsumerRecord<byte[], byte[]> r : fanout.readToEnd(fanout.config().topics().webhooks())) {
      if (new String(r.key(), StandardCharsets.UTF_8).equals(id)) {
        last = r;
      }
    }
    return (ObjectNode) JSON.readTree(last.value());
  }
}
