package dev.fanout.worker;

import dev.fanout.deadletter.DeadLetter;
import dev.fanout.event.Event;
import dev.fanout.event.EventParser;
import dev.fanout.retry.RetryRecords;
import dev.fanout.retry.RetryTiers;
import dev.fanout.subscription.Subscription;
import dev.fanout.subscription.SubscriptionTable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Routes retry tier records. A record not yet due holds its partition until it is, unless it would
 * hold it longer than its tier allows (a wait longer than the largest tier, such as a long {@code
 * Retry-After} under a short schedule): then it is parked again, in the tier that covers what is
 * left, so no partition is blocked past {@code tier × (1 + jitter)}. A due record becomes one task
 * again, with the subscription as it is now: a changed URL or secret applies, and a deleted or
 * disabled webhook receives nothing more.
 */
public final class RetryRouter implements RecordRouter {
  private final EventParser parser;
  private final SubscriptionTable subscriptions;
  private final DispatchListener listener;
  private final RetryTiers tiers;
  private final Clock clock;

  public RetryRouter(
      EventParser parser,
      SubscriptionTable subscriptions,
      DispatchListener listener,
      RetryTiers tiers,
      Clock clock) {
    this.parser = parser;
    this.subscriptions = subscriptions;
    this.listener = listener;
    this.tiers = tiers;
    this.clock = clock;
  }

  @Override
  public Route route(ConsumerRecord<byte[], byte[]> record) {
    RetryRecords.Pending pending;
    try {
      pending = RetryRecords.read(record);
    } catch (IllegalArgumentException e) {
      return new Route.DeadLetter(
          DeadLetter.unusableEvent(
              EventRouter.origin(record), record.value(), "invalid_event", e.getMessage()));
    }
    Instant now = clock.instant();
    boolean due = !now.isBefore(pending.dueAt());
    if (!due && !tooLongFor(record.topic(), Duration.between(now, pending.dueAt()))) {
      return new Route.NotBefore(pending.dueAt());
    }
    EventParser.Result parsed = parser.parse(record.value());
    if (parsed instanceof EventParser.Rejected rejected) {
      // The event was valid when the task was made (a lowered size limit, say): dead-letter it
      // under the task's own source and ids.
      return new Route.DeadLetter(deadLetter(pending, record.value(), rejected));
    }
    Event event = ((EventParser.Parsed) parsed).event();
    Optional<Subscription> subscription =
        subscriptions.get(pending.webhookId()).filter(Subscription::enabled);
    if (subscription.isEmpty()) {
      listener.cancelled(event.type());
      return new Route.Skip();
    }
    var task = RetryRecords.task(pending, event, subscription.get());
    return due ? new Route.Deliver(List.of(task)) : new Route.Park(task, pending.dueAt());
  }

  /** Whether waiting here would hold the partition longer than any record of this tier should. */
  private boolean tooLongFor(String topic, Duration remaining) {
    Duration tier = tiers.delayOf(topic);
    return tier != null && remaining.compareTo(tiers.longestWait(tier)) > 0;
  }

  private static DeadLetter deadLetter(
      RetryRecords.Pending pending, byte[] value, EventParser.Rejected rejected) {
    return new DeadLetter(
        pending.origin(),
        value,
        rejected.reason(),
        pending.webhookId(),
        pending.deliveryId(),
        null,
        null,
        0,
        rejected.message(),
        pending.attempts(),
        pending.firstAttemptAt(),
        pending.lastAttemptAt());
  }
}
