package dev.fanout.retry;

import dev.fanout.deadletter.DeadLetter;
import dev.fanout.deadletter.Reasons;
import dev.fanout.event.Event;
import dev.fanout.event.EventParser;
import dev.fanout.subscription.Subscription;
import dev.fanout.subscription.SubscriptionTable;
import dev.fanout.worker.DispatchListener;
import dev.fanout.worker.EventRouter;
import dev.fanout.worker.RecordRouter;
import dev.fanout.worker.Route;
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
              EventRouter.origin(record), record.value(), Reasons.INVALID_EVENT, e.getMessage()));
    }
    Instant now = clock.instant();
    boolean due = !now.isBefore(pending.dueAt());
    if (!due) {
      Instant waitUntil = waitUntil(record, pending.dueAt(), now);
      if (waitUntil != null) {
        return new Route.NotBefore(waitUntil);
      }
    }
    EventParser.Result parsed = parser.parse(record.value());
    if (parsed instanceof EventParser.Rejected rejected) {
      // The event was valid when the task was made (a lowered size limit, say): dead-letter it
      // under the task's own source and ids.
      return new Route.DeadLetter(deadLetter(pending, record.value(), rejected));
    }
    Event event = ((EventParser.Parsed) parsed).event();
    // The webhook as it is now, and only if it still takes this event: a retry record names a
    // webhook, and a record naming one of another space (forged, or the webhook moved) must not
    // carry the event there.
    Optional<Subscription> subscription =
        subscriptions
            .get(pending.webhookId())
            .filter(s -> s.subscribesTo(event.spaceId(), event.type()));
    if (subscription.isEmpty()) {
      listener.cancelled(event.type());
      return new Route.Skip();
    }
    var task = RetryRecords.task(pending, event, subscription.get());
    // Not due here means: due too late for this tier, and it has served its time in it.
    return due ? new Route.Deliver(List.of(task)) : new Route.Park(task, pending.dueAt());
  }

  /**
   * How long a record not yet due holds its partition, or null when it should be parked again. A
   * record due within its tier's longest wait waits for its due time. One due later waits, like any
   * record of its tier, until it has spent one tier delay in the topic, and is then parked again:
   * each hop costs the partition no more than a tier delay, and a record that is consumed at once
   * is never rewritten at once, over and over.
   */
  private Instant waitUntil(ConsumerRecord<byte[], byte[]> record, Instant dueAt, Instant now) {
    Duration tier = tiers.delayOf(record.topic());
    if (tier == null || Duration.between(now, dueAt).compareTo(tiers.longestWait(tier)) <= 0) {
      return dueAt;
    }
    Instant served = Instant.ofEpochMilli(Math.max(0, record.timestamp())).plus(tier);
    return now.isBefore(served) ? served : null;
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
        pending.lastAttemptAt(),
        pending.replays());
  }
}
