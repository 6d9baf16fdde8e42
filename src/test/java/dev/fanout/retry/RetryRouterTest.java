package dev.fanout.retry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.deadletter.DeadLetter;
import dev.fanout.delivery.DeliveryIds;
import dev.fanout.delivery.DeliveryTask;
import dev.fanout.event.Event;
import dev.fanout.event.EventParser;
import dev.fanout.event.Origin;
import dev.fanout.kafka.FanoutHeaders;
import dev.fanout.subscription.Subscription;
import dev.fanout.subscription.SubscriptionIndex;
import dev.fanout.testing.MutableClock;
import dev.fanout.testing.TestSubscriptions;
import dev.fanout.worker.RecordingDispatchListener;
import dev.fanout.worker.Route;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** Tiers 5s, 1m, 5m with ±20% jitter: a record of the 1m tier holds its partition at most 72s. */
class RetryRouterTest {
  private static final String TIER_TOPIC = "fanout.retry.1m";
  private static final Duration LONGEST_WAIT = Duration.ofSeconds(72);
  private static final Instant SOURCE_TIME = Instant.parse("2026-11-28T11:59:00Z");
  private static final Instant FIRST = Instant.parse("2026-11-28T12:00:00Z");
  private static final Instant DUE = Instant.parse("2026-11-28T12:01:06Z");
  private static final URI URL = URI.create("https://hooks.example.com/y42");
  private static final byte[] KEY = "space_1".getBytes(StandardCharsets.UTF_8);
  private static final byte[] BODY =
      "{\"id\":\"evt_1\",\"type\":\"job.failed\",\"space_id\":\"space_1\"}"
          .getBytes(StandardCharsets.UTF_8);

  private final MutableClock clock = new MutableClock(DUE);
  private final SubscriptionIndex index = new SubscriptionIndex();
  private final RecordingDispatchListener listener = new RecordingDispatchListener();
  private final RetryTiers tiers =
      new RetryTiers(
          "fanout.retry.",
          List.of(Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofMinutes(5)),
          0.2);
  private final RetryRouter router =
      new RetryRouter(new EventParser(1024), index, listener, tiers, clock);

  @Test
  void waitsUntilTheRecordIsDue() {
    index.apply("wh_1", TestSubscriptions.subscription("wh_1", URL));
    clock.set(DUE.minusMillis(1));

    Route route = router.route(tierRecord(task(1, FIRST), DUE));

    assertThat(route).isEqualTo(new Route.NotBefore(DUE));
    assertThat(listener.cancelled).isEmpty();
  }

  @Test
  void deliversOnceDueWithTheRecordedHistory() {
    Subscription webhook = TestSubscriptions.subscription("wh_1", URL);
    index.apply("wh_1", webhook);

    Route route = router.route(tierRecord(task(1, FIRST), DUE));

    DeliveryTask task = single(route);
    assertThat(task.subscription()).isEqualTo(webhook);
    assertThat(task.deliveryId()).isEqualTo(DeliveryIds.of("evt_1", "wh_1"));
    assertThat(task.attempts()).isEqualTo(1);
    assertThat(task.firstAttemptAt()).isEqualTo(FIRST);
    assertThat(task.event().body()).isEqualTo(BODY);
    assertThat(task.origin().topic()).isEqualTo("y42.events.jobs");
    assertThat(task.origin().offset()).isEqualTo(42);
    assertThat(task.origin().timestamp()).isEqualTo(SOURCE_TIME);
  }

  @Test
  void deliversWithTheCurrentSubscriptionNotTheOneOfTheFailedAttempt() {
    DeliveryTask failed = task(1, FIRST);
    Subscription moved =
        TestSubscriptions.subscription("wh_1", URI.create("https://new-home.example.com/hook"));
    index.apply("wh_1", moved);
    clock.advance(Duration.ofMinutes(5));

    DeliveryTask task = single(router.route(tierRecord(failed, DUE)));

    assertThat(task.subscription()).isSameAs(moved);
    assertThat(task.subscription().url()).isEqualTo(moved.url());
  }

  @Test
  void skipsAndReportsCancelledWhenTheWebhookWasDeleted() {
    Route route = router.route(tierRecord(task(1, FIRST), DUE));

    assertThat(route).isInstanceOf(Route.Skip.class);
    assertThat(listener.cancelled).containsExactly("job.failed");
  }

  @Test
  void skipsAndReportsCancelledWhenTheWebhookWasDisabled() {
    index.apply(
        "wh_1", TestSubscriptions.subscription("wh_1", TestSubscriptions.SPACE, URL, false, null));

    Route route = router.route(tierRecord(task(1, FIRST), DUE));

    assertThat(route).isInstanceOf(Route.Skip.class);
    assertThat(listener.cancelled).containsExactly("job.failed");
  }

  @Test
  void skipsAndReportsCancelledWhenTheWebhookNoLongerTakesTheEvent() {
    index.apply("wh_1", TestSubscriptions.subscription("wh_1", "another_space", URL, true, null));

    Route route = router.route(tierRecord(task(1, FIRST), DUE));

    assertThat(route).isInstanceOf(Route.Skip.class);
    assertThat(listener.cancelled).containsExactly("job.failed");
  }

  @Test
  void skipsARetryWhoseEventTheWebhooksPatternsNoLongerMatch() {
    Subscription orchestrationsOnly =
        new Subscription(
            "wh_1",
            TestSubscriptions.SPACE,
            URL,
            List.of(new dev.fanout.subscription.EventPattern("orchestration.*")),
            true,
            null,
            null,
            null,
            "",
            null,
            new byte[0]);
    index.apply("wh_1", orchestrationsOnly);

    Route route = router.route(tierRecord(task(1, FIRST), DUE));

    assertThat(route).isInstanceOf(Route.Skip.class);
    assertThat(listener.cancelled).containsExactly("job.failed");
  }

  /** Once the engine's refreshed() bug: a task held before any attempt skipped the lookup. */
  @Test
  void taskHeldBeforeItsFirstAttemptIsCancelledWhenItsWebhookWasDeleted() {
    Route route = router.route(tierRecord(task(0, null), DUE));

    assertThat(route).isInstanceOf(Route.Skip.class);
    assertThat(listener.cancelled).containsExactly("job.failed");
  }

  @Test
  void taskHeldBeforeItsFirstAttemptIsDeliveredWithTheCurrentSubscription() {
    Subscription webhook = TestSubscriptions.subscription("wh_1", URL);
    index.apply("wh_1", webhook);

    DeliveryTask task = single(router.route(tierRecord(task(0, null), DUE)));

    assertThat(task.attempts()).isZero();
    assertThat(task.firstAttemptAt()).isNull();
    assertThat(task.subscription()).isSameAs(webhook);
  }

  @Test
  void deadLettersARecordWithUnreadableHeadersAsInvalidEvent() {
    index.apply("wh_1", TestSubscriptions.subscription("wh_1", URL));
    ConsumerRecord<byte[], byte[]> record = tierRecord(task(1, FIRST), DUE);
    record.headers().remove(FanoutHeaders.DUE_AT);

    Route route = router.route(record);

    DeadLetter letter = deadLetter(route);
    assertThat(letter.reason()).isEqualTo("invalid_event");
    assertThat(letter.error()).contains(FanoutHeaders.DUE_AT);
    assertThat(letter.value()).isEqualTo(BODY);
    assertThat(letter.origin().topic()).isEqualTo(TIER_TOPIC);
    assertThat(letter.origin().offset()).isEqualTo(7);
  }

  @Test
  void deadLettersARecordWhoseValueIsNotAValidEvent() {
    index.apply("wh_1", TestSubscriptions.subscription("wh_1", URL));
    byte[] broken = "not json".getBytes(StandardCharsets.UTF_8);

    Route route = router.route(tierRecord(task(1, FIRST), DUE, broken));

    DeadLetter letter = deadLetter(route);
    assertThat(letter.reason()).isEqualTo("invalid_event");
    assertThat(letter.value()).isEqualTo(broken);
    assertThat(listener.cancelled).isEmpty();
  }

  @Test
  void deadLettersAnInvalidValueWithTheSourceRecordAndWebhookFromTheHeaders() {
    index.apply("wh_1", TestSubscriptions.subscription("wh_1", URL));

    Route route =
        router.route(tierRecord(task(1, FIRST), DUE, "x".getBytes(StandardCharsets.UTF_8)));

    DeadLetter letter = deadLetter(route);
    assertThat(letter.reason()).isEqualTo("invalid_event");
    assertThat(letter.origin().topic()).isEqualTo("y42.events.jobs");
    assertThat(letter.origin().partition()).isEqualTo(3);
    assertThat(letter.origin().offset()).isEqualTo(42);
    assertThat(letter.origin().timestamp()).isEqualTo(SOURCE_TIME);
    assertThat(letter.webhookId()).isEqualTo("wh_1");
    assertThat(letter.deliveryId()).isEqualTo(DeliveryIds.of("evt_1", "wh_1"));
    assertThat(letter.attempts()).isEqualTo(1);
    assertThat(letter.firstAttemptAt()).isEqualTo(FIRST);
  }

  /** A value that grew past a lowered delivery.max-body-bytes since the task was made. */
  @Test
  void deadLettersAValueOverTheSizeLimitAsPayloadTooLargeUnderTheTasksOwnIds() {
    index.apply("wh_1", TestSubscriptions.subscription("wh_1", URL));
    byte[] large =
        ("{\"id\":\"evt_1\",\"type\":\"job.failed\",\"space_id\":\"space_1\",\"pad\":\""
                + "x".repeat(2048)
                + "\"}")
            .getBytes(StandardCharsets.UTF_8);

    Route route = router.route(tierRecord(task(3, FIRST), DUE, large));

    DeadLetter letter = deadLetter(route);
    assertThat(letter.reason()).isEqualTo("payload_too_large");
    assertThat(letter.value()).isEqualTo(large);
    assertThat(letter.origin().topic()).isEqualTo("y42.events.jobs");
    assertThat(letter.webhookId()).isEqualTo("wh_1");
    assertThat(letter.deliveryId()).isEqualTo(DeliveryIds.of("evt_1", "wh_1"));
    assertThat(letter.attempts()).isEqualTo(3);
    assertThat(listener.cancelled).isEmpty();
  }

  @Test
  void waitsWhenWhatIsLeftIsExactlyTheTiersLongestWait() {
    index.apply("wh_1", TestSubscriptions.subscription("wh_1", URL));
    clock.set(DUE.minus(LONGEST_WAIT));

    Route route = router.route(tierRecord(task(1, FIRST), DUE));

    assertThat(route).isEqualTo(new Route.NotBefore(DUE));
  }

  @Test
  void parksARecordWhoseWaitOutlastsItsTierInsteadOfHoldingThePartition() {
    Subscription webhook = TestSubscriptions.subscription("wh_1", URL);
    index.apply("wh_1", webhook);
    clock.set(DUE.minus(LONGEST_WAIT).minusMillis(1));

    Instant now = DUE.minus(LONGEST_WAIT).minusMillis(1);
    Route route =
        router.route(
            tierRecordWrittenAt(TIER_TOPIC, task(2, FIRST), DUE, now.minus(Duration.ofMinutes(1))));

    assertThat(route).isInstanceOf(Route.Park.class);
    Route.Park park = (Route.Park) route;
    assertThat(park.dueAt()).isEqualTo(DUE);
    assertThat(park.task().subscription()).isSameAs(webhook);
    assertThat(park.task().attempts()).as("parking uses up no attempt").isEqualTo(2);
    assertThat(park.task().firstAttemptAt()).isEqualTo(FIRST);
    assertThat(park.task().deliveryId()).isEqualTo(DeliveryIds.of("evt_1", "wh_1"));
    assertThat(park.task().origin().offset()).isEqualTo(42);
    assertThat(park.task().event().body()).isEqualTo(BODY);
  }

  /**
   * Replaces the disabled config test that wanted retry.max-retry-after and breaker.wait-in-open
   * capped at the largest tier: a Retry-After of 1h under a 1s,2s schedule lands in the 2s tier,
   * and its consumer now parks it again rather than holding the partition for an hour.
   */
  @Test
  void longRetryAfterInTheLargestTierIsParkedNotHeld() {
    RetryTiers shortSchedule =
        new RetryTiers("fanout.retry.", List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)), 0.2);
    RetryRouter shortRouter =
        new RetryRouter(new EventParser(1024), index, listener, shortSchedule, clock);
    index.apply("wh_1", TestSubscriptions.subscription("wh_1", URL));
    Instant dueAt = DUE.plus(Duration.ofHours(1));

    clock.set(DUE);
    Route fresh =
        shortRouter.route(tierRecordWrittenAt("fanout.retry.2s", task(1, FIRST), dueAt, DUE));
    Route served =
        shortRouter.route(
            tierRecordWrittenAt(
                "fanout.retry.2s", task(1, FIRST), dueAt, DUE.minus(Duration.ofSeconds(2))));

    assertThat(fresh)
        .as("a record just written waits one tier delay before it moves on")
        .isEqualTo(new Route.NotBefore(DUE.plus(Duration.ofSeconds(2))));
    assertThat(served).isInstanceOf(Route.Park.class);
    assertThat(((Route.Park) served).dueAt()).isEqualTo(dueAt);
  }

  @Test
  void parkingARecordOfADeletedWebhookSkipsIt() {
    clock.set(DUE.minus(Duration.ofMinutes(10)));

    Route route =
        router.route(
            tierRecordWrittenAt(
                TIER_TOPIC, task(1, FIRST), DUE, DUE.minus(Duration.ofMinutes(11))));

    assertThat(route).isInstanceOf(Route.Skip.class);
    assertThat(listener.cancelled).containsExactly("job.failed");
  }

  @Test
  void recordOfATopicOutsideTheScheduleWaitsHoweverLongItIs() {
    index.apply("wh_1", TestSubscriptions.subscription("wh_1", URL));
    clock.set(DUE.minus(Duration.ofHours(5)));

    Route route = router.route(tierRecord("fanout.retry.7m", task(1, FIRST), DUE));

    assertThat(route).isEqualTo(new Route.NotBefore(DUE));
  }

  private static DeliveryTask single(Route route) {
    assertThat(route).isInstanceOf(Route.Deliver.class);
    assertThat(((Route.Deliver) route).tasks()).hasSize(1);
    return ((Route.Deliver) route).tasks().get(0);
  }

  private static DeadLetter deadLetter(Route route) {
    assertThat(route).isInstanceOf(Route.DeadLetter.class);
    return ((Route.DeadLetter) route).deadLetter();
  }

  /** The task as it was when handed over: the subscription of its last attempt. */
  private static DeliveryTask task(int attempts, Instant firstAttemptAt) {
    Event event = new Event("evt_1", "job.failed", TestSubscriptions.SPACE, null, BODY);
    return new DeliveryTask(
        event,
        TestSubscriptions.subscription("wh_1", URL),
        DeliveryIds.of("evt_1", "wh_1"),
        new Origin("y42.events.jobs", 3, 42, KEY, SOURCE_TIME),
        attempts,
        firstAttemptAt,
        firstAttemptAt,
        0,
        null,
        0);
  }

  private static ConsumerRecord<byte[], byte[]> tierRecord(DeliveryTask task, Instant dueAt) {
    return tierRecord(TIER_TOPIC, task, dueAt, task.event().body());
  }

  private static ConsumerRecord<byte[], byte[]> tierRecord(
      String topic, DeliveryTask task, Instant dueAt) {
    return tierRecord(topic, task, dueAt, task.event().body());
  }

  private static ConsumerRecord<byte[], byte[]> tierRecord(
      DeliveryTask task, Instant dueAt, byte[] value) {
    return tierRecord(TIER_TOPIC, task, dueAt, value);
  }

  private static ConsumerRecord<byte[], byte[]> tierRecord(
      String topic, DeliveryTask task, Instant dueAt, byte[] value) {
    return tierRecord(topic, task, dueAt, value, FIRST);
  }

  private static ConsumerRecord<byte[], byte[]> tierRecordWrittenAt(
      String topic, DeliveryTask task, Instant dueAt, Instant writtenAt) {
    return tierRecord(topic, task, dueAt, task.event().body(), writtenAt);
  }

  private static ConsumerRecord<byte[], byte[]> tierRecord(
      String topic, DeliveryTask task, Instant dueAt, byte[] value, Instant writtenAt) {
    ProducerRecord<byte[], byte[]> written = RetryRecords.write(topic, task, dueAt);
    return new ConsumerRecord<>(
        topic,
        0,
        7,
        writtenAt.toEpochMilli(),
        TimestampType.CREATE_TIME,
        -1,
        -1,
        written.key(),
        value,
        new RecordHeaders(written.headers().toArray()),
        Optional.empty());
  }
}
