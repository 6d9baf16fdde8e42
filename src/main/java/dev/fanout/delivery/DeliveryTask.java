package dev.fanout.delivery;

import dev.fanout.event.Event;
import dev.fanout.event.Origin;
import dev.fanout.subscription.Subscription;
import java.time.Instant;

/**
 * One (event, webhook) pair to deliver. Immutable: each attempt makes the next task with {@link
 * #afterAttempt}.
 *
 * @param attempts attempts made so far (0 before the first)
 * @param firstAttemptAt when the first attempt started; null before it
 * @param lastAttemptAt when the latest attempt started; null before the first
 */
public record DeliveryTask(
    Event event,
    Subscription subscription,
    String deliveryId,
    Origin origin,
    int attempts,
    Instant firstAttemptAt,
    Instant lastAttemptAt) {

  public static DeliveryTask first(Event event, Subscription subscription, Origin origin) {
    return new DeliveryTask(
        event, subscription, DeliveryIds.of(event.id(), subscription.id()), origin, 0, null, null);
  }

  public DeliveryTask afterAttempt(Instant startedAt) {
    return new DeliveryTask(
        event,
        subscription,
        deliveryId,
        origin,
        attempts + 1,
        firstAttemptAt == null ? startedAt : firstAttemptAt,
        startedAt);
  }
}
