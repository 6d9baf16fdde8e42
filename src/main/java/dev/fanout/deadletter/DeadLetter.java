package dev.fanout.deadletter;

import dev.fanout.event.Origin;
import java.time.Instant;

/**
 * Why and where one delivery (or one unusable event) ended in the dead-letter topic. The value
 * written is the original event bytes; everything here becomes a {@code fanout.*} header.
 *
 * <p>Fields that do not apply are null (an invalid event has no webhook, no delivery and perhaps no
 * event id) or 0 ({@code httpStatus} without a response, {@code attempts} without an attempt,
 * {@code replays} for a delivery never replayed).
 */
public record DeadLetter(
    Origin origin,
    byte[] value,
    String reason,
    String webhookId,
    String deliveryId,
    String eventId,
    String eventType,
    int httpStatus,
    String error,
    int attempts,
    Instant firstAttemptAt,
    Instant lastAttemptAt,
    int replays) {

  /** An event that could not be read at all: no webhook was ever involved. */
  public static DeadLetter unusableEvent(Origin origin, byte[] value, String reason, String error) {
    return new DeadLetter(
        origin, value, reason, null, null, null, null, 0, error, 0, null, null, 0);
  }
}
