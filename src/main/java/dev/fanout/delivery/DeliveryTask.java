package dev.fanout.delivery;

import dev.fanout.event.Event;
import dev.fanout.event.Origin;
import dev.fanout.subscription.Subscription;
import java.time.Instant;

/**
 * One (event, webhook) pair to deliver. Immutable: each attempt makes the next task with {@link
 * #afterAttempt}, each hold with {@link #afterHold}.
 *
 * @param attempts attempts made so far (0 before the first)
 * @param firstAttemptAt when the first attempt started; null before it
 * @param lastAttemptAt when the latest attempt started; null before the first
 * @param holds times the task was handed to a retry tier without an attempt (an open breaker, an
 *     endpoint that could not take it in time); later holds last longer
 * @param firstHeldAt when the task was first held; null if never
 * @param replays times the delivery was replayed from the dead-letter topic or resent from the log
 */
public record DeliveryTask(
    Event event,
    Subscription subscription,
    String deliveryId,
    Origin origin,
    int attempts,
    Instant firstAttemptAt,
    Instant lastAttemptAt,
    int holds,
    Instant firstHeldAt,
    int replays) {

  public static DeliveryTask first(Event event, Subscription subscription, Origin origin) {
    return new DeliveryTask(
        event,
        subscription,
        DeliveryIds.of(event.id(), subscription.id()),
        origin,
        0,
        null,
        null,
        0,
        null,
        0);
  }

  public DeliveryTask afterAttempt(Instant startedAt) {
    return new DeliveryTask(
        event,
        subscription,
        deliveryId,
        origin,
        attempts + 1,
        firstAttemptAt == null ? startedAt : firstAttemptAt,
        startedAt,
        holds,
        firstHeldAt,
        replays);
  }

  public DeliveryTask afterHold(Instant heldAt) {
    return new DeliveryTask(
        event,
        subscription,
        deliveryId,
        origin,
        attempts,
        firstAttemptAt,
        lastAttemptAt,
        holds + 1,
        firstHeldAt == null ? heldAt : firstHeldAt,
        replays);
  }

  /**
   * When this task's life began, for {@code retry.max-age}: its first attempt or its first hold,
   * whichever came first; null while it has had neither. Never the record's timestamp: a backlog
   * that waited in Kafka longer than the maximum age is still attempted.
   */
  public Instant startedAt() {
    if (firstAttemptAt == null) {
      return firstHeldAt;
    }
    return firstHeldAt == null || firstAttemptAt.isBefore(firstHeldAt)
        ? firstAttemptAt
        : firstHeldAt;
  }
}
