package dev.fanout.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.fanout.deadletter.DeadLetter;
import dev.fanout.delivery.DeliveryIds;
import dev.fanout.delivery.DeliveryTask;
import dev.fanout.event.EventParser;
import dev.fanout.subscription.Subscription;
import dev.fanout.subscription.SubscriptionIndex;
import dev.fanout.testing.TestSubscriptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class EventRouterTest {
  private static final Instant RECORD_TIME = Instant.parse("2026-11-28T12:00:00.250Z");
  private static final byte[] KEY = "space_1".getBytes(StandardCharsets.UTF_8);
  private static final int MAX_BODY_BYTES = 256;

  private final SubscriptionIndex index = new SubscriptionIndex();
  private final RecordingDispatchListener listener = new RecordingDispatchListener();
  private final EventRouter router =
      new EventRouter(new EventParser(MAX_BODY_BYTES), index, listener);

  @Test
  void deliversToEveryMatchingWebhookOfTheSpace() {
    Subscription one = add("wh_1", "space_1", true);
    Subscription two = add("wh_2", "space_1", true);
    byte[] value = event("evt_1", "job.failed", "space_1");

    Route route = router.route(record(value));

    assertThat(route).isInstanceOf(Route.Deliver.class);
    assertThat(((Route.Deliver) route).tasks())
        .hasSize(2)
        .allSatisfy(
            t -> {
              assertThat(t.attempts()).isZero();
              assertThat(t.firstAttemptAt()).isNull();
              assertThat(t.event().id()).isEqualTo("evt_1");
              assertThat(t.event().body()).isEqualTo(value);
              assertThat(t.origin().topic()).isEqualTo("y42.events.jobs");
              assertThat(t.origin().partition()).isEqualTo(3);
              assertThat(t.origin().offset()).isEqualTo(42);
              assertThat(t.origin().key()).isEqualTo(KEY);
              assertThat(t.origin().timestamp()).isEqualTo(RECORD_TIME);
            })
        .extracting(DeliveryTask::subscription, DeliveryTask::deliveryId)
        .containsExactlyInAnyOrder(
            tuple(one, DeliveryIds.of("evt_1", "wh_1")),
            tuple(two, DeliveryIds.of("evt_1", "wh_2")));
    assertThat(listener.matched)
        .containsExactly(new RecordingDispatchListener.Matched("job.failed", 2));
  }

  @Test
  void skipsAndCountsAnEventThatMatchesNoWebhook() {
    add("wh_1", "space_1", false);
    add("wh_2", "space_2", true);

    Route route = router.route(record(event("evt_1", "job.failed", "space_1")));

    assertThat(route).isInstanceOf(Route.Skip.class);
    assertThat(listener.matched)
        .containsExactly(new RecordingDispatchListener.Matched("job.failed", 0));
  }

  @Test
  void skipsAnEventWhoseTypeNoWebhookSubscribesTo() {
    add("wh_1", "space_1", true);

    assertThat(router.route(record(event("evt_1", "orchestration.finished", "space_1"))))
        .isInstanceOf(Route.Skip.class);
  }

  @Test
  void deadLettersAnInvalidEventWithItsOriginAndBytes() {
    add("wh_1", "space_1", true);
    byte[] value = "{\"id\":\"evt_1\",\"type\":\"job.failed\"}".getBytes(StandardCharsets.UTF_8);

    Route route = router.route(record(value));

    assertThat(route).isInstanceOf(Route.DeadLetter.class);
    DeadLetter letter = ((Route.DeadLetter) route).deadLetter();
    assertThat(letter.reason()).isEqualTo("invalid_event");
    assertThat(letter.error()).contains("space_id");
    assertThat(letter.value()).isEqualTo(value);
    assertThat(letter.webhookId()).isNull();
    assertThat(letter.origin().topic()).isEqualTo("y42.events.jobs");
    assertThat(letter.origin().offset()).isEqualTo(42);
    assertThat(letter.origin().key()).isEqualTo(KEY);
    assertThat(letter.origin().timestamp()).isEqualTo(RECORD_TIME);
    assertThat(listener.rejected).containsExactly("invalid_event");
    assertThat(listener.matched).isEmpty();
  }

  @Test
  void deadLettersAnOversizedEventAsPayloadTooLarge() {
    add("wh_1", "space_1", true);
    byte[] value =
        ("{\"id\":\"e\",\"type\":\"job.failed\",\"space_id\":\"space_1\",\"pad\":\""
                + "x".repeat(MAX_BODY_BYTES)
                + "\"}")
            .getBytes(StandardCharsets.UTF_8);

    Route route = router.route(record(value));

    assertThat(route).isInstanceOf(Route.DeadLetter.class);
    assertThat(((Route.DeadLetter) route).deadLetter().reason()).isEqualTo("payload_too_large");
    assertThat(listener.rejected).containsExactly("payload_too_large");
  }

  @Test
  void deadLettersANullValue() {
    Route route = router.route(record(null));

    assertThat(route).isInstanceOf(Route.DeadLetter.class);
    assertThat(((Route.DeadLetter) route).deadLetter().reason()).isEqualTo("invalid_event");
  }

  private Subscription add(String id, String space, boolean enabled) {
    Subscription s =
        TestSubscriptions.subscription(
            id, space, URI.create("https://hooks.example.com/" + id), enabled, null);
    index.apply(id, s);
    return s;
  }

  private static byte[] event(String id, String type, String space) {
    return ("{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"space_id\":\"" + space + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static ConsumerRecord<byte[], byte[]> record(byte[] value) {
    return new ConsumerRecord<>(
        "y42.events.jobs",
        3,
        42,
        RECORD_TIME.toEpochMilli(),
        TimestampType.CREATE_TIME,
        KEY.length,
        value == null ? -1 : value.length,
        KEY,
        value,
        new RecordHeaders(),
        Optional.empty());
  }
}
