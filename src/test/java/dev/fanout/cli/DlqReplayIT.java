package dev.fanout.cli;

import static dev.fanout.testing.FanoutHarness.SPACE;
import static dev.fanout.testing.FanoutHarness.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.app.FanoutWorker;
import dev.fanout.testing.FanoutHarness;
import dev.fanout.testing.TestReceiver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code fanout dlq replay} against a real broker and a running worker. */
class DlqReplayIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration QUIET = Duration.ofSeconds(2);
  private static final String SPACE_7 = "space_7";

  private TestReceiver receiver;
  private FanoutHarness fanout;
  private CliRun cli;

  @BeforeEach
  void start() throws Exception {
    receiver = new TestReceiver();
    // Breakers that never open: the failures must run through the schedule to the dead-letter
    // topic quickly, not be held while an open circuit waits.
    fanout =
        new FanoutHarness(
            Map.of("breaker.minimum-calls", "1000", "breaker.sliding-window-size", "1000"));
    cli = new CliRun(fanout);
  }

  @AfterEach
  void stop() throws Exception {
    if (cli != null) {
      cli.close();
    }
    fanout.close();
    receiver.close();
  }

  @Test
  void replaysOneWebhooksFailuresOnlyToItOnceEachSignedWithItsRotatedSecret() throws Exception {
    receiver.answer("/a", 500);
    receiver.answer("/b", 500);
    receiver.answer("/c", 500);
    fanout.putWebhook("wh_a", SPACE, receiver.url("/a"), "*", true, "old-secret-a-0123456789");
    fanout.putWebhook("wh_b", SPACE, receiver.url("/b"), "*", true, "secret-b-0123456789");
    fanout.putWebhook("wh_c", SPACE_7, receiver.url("/c"), "*", true, "secret-c-0123456789");
    FanoutWorker worker = fanout.startWorker();
    for (int i = 1; i <= 3; i++) {
      fanout.produceEvent(fanout.jobsTopic(), DeadLetters.event("evt_" + i, "job.failed", SPACE));
    }
    for (int i = 4; i <= 5; i++) {
      fanout.produceEvent(
          fanout.jobsTopic(), SPACE_7, DeadLetters.event("evt_" + i, "job.failed", SPACE_7));
    }
    // Three events to wh_a and wh_b, two to wh_c: eight failed deliveries.
    List<ConsumerRecord<byte[], byte[]>> dead = fanout.deadLetters(8, WAIT);
    assertThat(dead).hasSize(8);
    Map<String, String> deliveryIdOfA = new HashMap<>();
    dead.stream()
        .filter(r -> "wh_a".equals(header(r, "fanout.webhook.id")))
        .forEach(
            r -> deliveryIdOfA.put(header(r, "fanout.event.id"), header(r, "fanout.delivery.id")));
    assertThat(deliveryIdOfA).containsOnlyKeys("evt_1", "evt_2", "evt_3");
    int before = receiver.requests().size();

    receiver.answer("/a", 200);
    receiver.answer("/b", 200);
    receiver.answer("/c", 200);
    fanout.putWebhook("wh_a", SPACE, receiver.url("/a"), "*", true, "new-secret-a-0123456789");
    await()
        .atMost(WAIT)
        .until(
            () ->
                worker
                    .subscriptions()
                    .get("wh_a")
                    .orElseThrow()
                    .secret()
                    .reveal()
                    .equals("new-secret-a-0123456789"));

    assertThat(cli.run("dlq", "replay", "--webhook", "wh_a")).isEqualTo(ExitCodes.OK);
    assertThat(cli.out())
        .containsPattern("(?m)^matched\\s+3$")
        .containsPattern("(?m)^handed over\\s+3$");

    await().during(QUIET).atMost(WAIT).until(() -> receiver.requests().size() == before + 3);
    List<TestReceiver.Request> replayed = receiver.requests().subList(before, before + 3);
    assertThat(replayed).extracting(TestReceiver.Request::path).containsOnly("/a");
    assertThat(replayed)
        .extracting(TestReceiver.Request::eventId)
        .containsExactlyInAnyOrder("evt_1", "evt_2", "evt_3");
    for (TestReceiver.Request r : replayed) {
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("x-y42-signature"))
          .isEqualTo("sha256=" + hmacHex("new-secret-a-0123456789", r.body()));
      assertThat(r.header("x-y42-delivery")).isEqualTo(deliveryIdOfA.get(r.eventId()));
    }
    // Delivered this time: nothing new was dead-lettered.
    assertThat(fanout.readToEnd(fanout.config().topics().dlq())).hasSize(8);
  }

  @Test
  void aDryRunHandsNothingOverAndAResumedReplaySendsEachDeadLetterOnce() throws Exception {
    fanout.putWebhook("wh_a", SPACE, receiver.url("/a"), "*", true, "secret-a-0123456789");
    fanout.startWorker();
    try (DeadLetters dlq = new DeadLetters(fanout)) {
      for (int i = 0; i < 6; i++) {
        String id = "evt_" + i;
        dlq.write(
            i % 3,
            Instant.now(),
            DeadLetters.event(id, "job.failed", SPACE),
            DeadLetters.delivery("http_status", "wh_a", id, "job.failed"));
      }
    }

    assertThat(cli.run("dlq", "replay", "--webhook", "wh_a", "--dry-run")).isEqualTo(ExitCodes.OK);
    assertThat(cli.out()).containsPattern("(?m)^would hand over\\s+6$");
    assertThat(cli.out().lines().filter(l -> l.matches("would hand over  \\d+:\\d+ .*")))
        .hasSize(6);
    assertThat(fanout.retryRecords()).isEmpty();

    assertThat(
            cli.run(
                "dlq", "replay", "--webhook", "wh_a", "--limit", "2", "--resume", "incident-42"))
        .isEqualTo(ExitCodes.OK);
    assertThat(cli.out()).containsPattern("(?m)^handed over\\s+2$");
    await().during(QUIET).atMost(WAIT).until(() -> receiver.requests("/a").size() == 2);

    assertThat(cli.run("dlq", "replay", "--webhook", "wh_a", "--resume", "incident-42"))
        .isEqualTo(ExitCodes.OK);
    assertThat(cli.out()).containsPattern("(?m)^handed over\\s+4$");
    await().during(QUIET).atMost(WAIT).until(() -> receiver.requests("/a").size() == 6);
    assertThat(receiver.eventIds("/a"))
        .containsExactlyInAnyOrder("evt_0", "evt_1", "evt_2", "evt_3", "evt_4", "evt_5");

    assertThat(cli.run("dlq", "replay", "--webhook", "wh_a", "--resume", "incident-42"))
        .isEqualTo(ExitCodes.OK);
    assertThat(cli.out())
        .containsPattern("(?m)^matched\\s+0$")
        .containsPattern("(?m)^handed over\\s+0$");
    // Each replayed task carries the replay in its headers.
    assertThat(fanout.retryRecords())
        .hasSize(6)
        .allSatisfy(r -> assertThat(header(r, "fanout.replays")).isEqualTo("1"))
        .allSatisfy(r -> assertThat(header(r, "fanout.attempts")).isEqualTo("0"))
        .allSatisfy(r -> assertThat(header(r, "traceparent")).startsWith("00-0af7"));
    assertThat(receiver.requests("/a")).hasSize(6);
  }

  @Test
  void skipsAndReportsDeadLettersOfADeletedWebhookAndThoseThatAreNoDelivery() throws Exception {
    fanout.putWebhook("wh_b", SPACE, receiver.url("/b"), "*", true, "secret-b-0123456789");
    fanout.putWebhook("wh_off", SPACE, receiver.url("/off"), "*", false, "secret-off-0123456789");
    fanout.startWorker();
    try (DeadLetters dlq = new DeadLetters(fanout)) {
      Instant now = Instant.now();
      dlq.write(
          0,
          now,
          DeadLetters.event("evt_1", "job.failed", SPACE),
          DeadLetters.delivery("http_status", "wh_deleted", "evt_1", "job.failed"));
      dlq.write(
          0,
          now,
          DeadLetters.event("evt_2", "job.failed", SPACE),
          DeadLetters.delivery("http_status", "wh_b", "evt_2", "job.failed"));
      dlq.write(
          0,
          now,
          DeadLetters.event("evt_3", "job.failed", SPACE),
          DeadLetters.delivery("http_status", "wh_off", "evt_3", "job.failed"));
      dlq.write(
          0, now, "not json", Map.of("fanout.reason", "invalid_event", "fanout.error", "bad"));
      Map<String, String> omitted =
          new HashMap<>(DeadLetters.delivery("http_status", "wh_b", "evt_4", "job.failed"));
      omitted.put("fanout.value.omitted", "true");
      dlq.write(0, now, null, omitted);
    }

    assertThat(cli.run("dlq", "replay")).isEqualTo(ExitCodes.OK);
    assertThat(cli.out())
        .containsPattern("(?m)^matched\\s+5$")
        .containsPattern("(?m)^handed over\\s+1$")
        .containsPattern("(?m)^skipped, webhook deleted\\s+1$")
        .containsPattern("(?m)^skipped, webhook disabled\\s+1$")
        .containsPattern("(?m)^skipped, not a delivery\\s+1$")
        .containsPattern("(?m)^skipped, value omitted\\s+1$")
        .contains("skipped  0:0  evt_1  wh_deleted: webhook deleted");
    await().during(QUIET).atMost(WAIT).until(() -> receiver.requests().size() == 1);
    assertThat(receiver.eventIds("/b")).containsExactly("evt_2");
  }

  @Test
  void replaysToAnotherWebhookUnderItsOwnDeliveryIdsAtTheGivenRate() throws Exception {
    fanout.putWebhook("wh_a", SPACE, receiver.url("/a"), "*", true, "secret-a-0123456789");
    fanout.putWebhook("wh_new", SPACE, receiver.url("/new"), "*", true, "secret-new-0123456789");
    fanout.startWorker();
    try (DeadLetters dlq = new DeadLetters(fanout)) {
      for (int i = 0; i < 3; i++) {
        dlq.write(
            i,
            Instant.now(),
            DeadLetters.event("evt_" + i, "job.failed", SPACE),
            DeadLetters.delivery("http_status", "wh_a", "evt_" + i, "job.failed"));
      }
    }

    assertThat(
            cli.run("dlq", "replay", "--webhook", "wh_a", "--to-webhook", "wh_new", "--rate", "1"))
        .isEqualTo(ExitCodes.OK);
    assertThat(cli.out()).containsPattern("(?m)^handed over\\s+3$");

    await().during(QUIET).atMost(WAIT).until(() -> receiver.requests().size() == 3);
    assertThat(receiver.requests("/a")).isEmpty();
    assertThat(receiver.eventIds("/new")).containsExactlyInAnyOrder("evt_0", "evt_1", "evt_2");
    for (TestReceiver.Request r : receiver.requests("/new")) {
      assertThat(r.header("x-y42-signature"))
          .isEqualTo("sha256=" + hmacHex("secret-new-0123456789", r.body()));
      assertThat(r.header("x-y42-delivery"))
          .isEqualTo(dev.fanout.delivery.DeliveryIds.of(r.eventId(), "wh_new"));
    }
    // One a second: the three hand-overs were written at least two periods of the limiter apart.
    List<Long> written =
        fanout.retryRecords().stream().map(ConsumerRecord::timestamp).sorted().toList();
    assertThat(written).hasSize(3);
    assertThat(written.get(2) - written.get(0)).isGreaterThanOrEqualTo(1500);
  }

  @Test
  void refusesToReplayToAWebhookThatDoesNotExist() {
    assertThat(cli.run("dlq", "replay", "--to-webhook", "wh_nobody")).isEqualTo(ExitCodes.FAILURE);
    assertThat(cli.err()).contains("no webhook wh_nobody");
    assertThat(cli.run("dlq", "replay", "--since", "yesterday")).isEqualTo(ExitCodes.USAGE);
    assertThat(cli.err()).contains("--since");
  }

  private static String hmacHex(String secret, byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return java.util.HexFormat.of().formatHex(mac.doFinal(body));
  }
}
