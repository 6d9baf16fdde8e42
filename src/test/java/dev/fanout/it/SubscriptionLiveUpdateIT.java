package dev.fanout.it;

import static dev.fanout.testing.FanoutHarness.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.app.FanoutWorker;
import dev.fanout.subscription.Subscription;
import dev.fanout.testing.FanoutHarness;
import dev.fanout.testing.TestReceiver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Changes to the config topic reach a running worker: no restart. Each step produces an event that
 * a sentinel webhook (subscribed to everything) also receives, so "not delivered" is checked only
 * after the same record has demonstrably been matched.
 */
class SubscriptionLiveUpdateIT {
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
  void addChangeDisableAndDeleteTakeEffectWithoutRestart() throws Exception {
    fanout.putWebhook(
        "wh_sentinel",
        FanoutHarness.SPACE,
        receiver.url("/sentinel"),
        "*",
        true,
        "test-secret-0123456789");
    FanoutWorker worker = fanout.startWorker();

    // Added while running.
    fanout.putWebhook(
        "wh_live",
        FanoutHarness.SPACE,
        receiver.url("/a"),
        "job.*",
        true,
        "test-secret-0123456789");
    awaitSubscription(worker, "wh_live", s -> s.url().getPath().equals("/a"));
    produceAndAwaitSentinel("evt_1");
    assertThat(eventIds("/a")).containsExactly("evt_1");

    // Changed: a new URL.
    fanout.putWebhook(
        "wh_live",
        FanoutHarness.SPACE,
        receiver.url("/b"),
        "job.*",
        true,
        "test-secret-0123456789");
    awaitSubscription(worker, "wh_live", s -> s.url().getPath().equals("/b"));
    produceAndAwaitSentinel("evt_2");
    assertThat(eventIds("/b")).containsExactly("evt_2");
    assertThat(eventIds("/a")).containsExactly("evt_1");

    // Disabled.
    fanout.putWebhook(
        "wh_live",
        FanoutHarness.SPACE,
        receiver.url("/b"),
        "job.*",
        false,
        "test-secret-0123456789");
    awaitSubscription(worker, "wh_live", s -> !s.enabled());
    produceAndAwaitSentinel("evt_3");
    assertThat(eventIds("/b")).containsExactly("evt_2");

    // Enabled again, then deleted (tombstone).
    fanout.putWebhook(
        "wh_live",
        FanoutHarness.SPACE,
        receiver.url("/b"),
        "job.*",
        true,
        "test-secret-0123456789");
    awaitSubscription(worker, "wh_live", Subscription::enabled);
    produceAndAwaitSentinel("evt_4");
    fanout.deleteWebhook("wh_live");
    await().atMost(WAIT).until(() -> worker.subscriptions().get("wh_live").isEmpty());
    produceAndAwaitSentinel("evt_5");
    assertThat(eventIds("/b")).containsExactly("evt_2", "evt_4");
  }

  @Test
  void skipsAnInvalidConfigRecordAndKeepsWorking() throws Exception {
    fanout.putWebhook(
        "wh_sentinel",
        FanoutHarness.SPACE,
        receiver.url("/sentinel"),
        "*",
        true,
        "test-secret-0123456789");
    FanoutWorker worker = fanout.startWorker();

    fanout.putConfigRecord("wh_bad", "{not json".getBytes(StandardCharsets.UTF_8));
    fanout.putConfigRecord(
        "wh_bad2",
        "{\"id\":\"wh_bad2\",\"space_id\":\"space_42\",\"url\":\"ftp://x\",\"events\":[\"*\"]}"
            .getBytes(StandardCharsets.UTF_8));
    fanout.putWebhook(
        "wh_after",
        FanoutHarness.SPACE,
        receiver.url("/after"),
        "*",
        true,
        "test-secret-0123456789");
    awaitSubscription(worker, "wh_after", Subscription::enabled);

    produceAndAwaitSentinel("evt_1");
    await().atMost(WAIT).until(() -> eventIds("/after").contains("evt_1"));
    assertThat(worker.subscriptions().get("wh_bad")).isEmpty();
    assertThat(worker.subscriptions().get("wh_bad2")).isEmpty();
    assertThat(
            worker
                .registry()
                .get("fanout.config.records.rejected")
                .tag("reason", "invalid")
                .counter()
                .count())
        .isEqualTo(2.0);
  }

  private void awaitSubscription(
      FanoutWorker worker, String id, java.util.function.Predicate<Subscription> condition) {
    await().atMost(WAIT).until(() -> worker.subscriptions().get(id).filter(condition).isPresent());
  }

  private void produceAndAwaitSentinel(String eventId) {
    fanout.produceEvent(fanout.jobsTopic(), event(eventId, "job.failed"));
    await().atMost(WAIT).until(() -> eventIds("/sentinel").contains(eventId));
  }

  private java.util.List<String> eventIds(String path) {
    return receiver.requests(path).stream()
        .map(r -> new String(r.body(), StandardCharsets.UTF_8))
        .map(body -> body.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1"))
        .toList();
  }
}
