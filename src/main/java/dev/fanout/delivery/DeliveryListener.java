package dev.fanout.delivery;

import dev.fanout.deadletter.DeadLetter;
import java.time.Duration;

/**
 * Hears what happens to delivery tasks; metrics and logs listen. Called from the engine's threads:
 * implementations must be thread-safe and quick.
 */
public interface DeliveryListener {
  default void attemptFinished(DeliveryTask task, Outcome outcome, Duration elapsed) {}

  /**
   * An attempt ended, with the start of the endpoint's answer: what the engine reports. Listeners
   * that need no response hear only the call above, to which this one defaults.
   *
   * @param response the start of the response body, redacted ({@link Redaction}); null without a
   *     response, with an empty body, or when the sender keeps no snippets
   */
  default void attemptFinished(
      DeliveryTask task, Outcome outcome, Duration elapsed, ResponseSnippet response) {
    attemptFinished(task, outcome, elapsed);
  }

  default void delivered(DeliveryTask task) {}

  /**
   * A failed attempt will be tried again after {@code delay} (jittered), in the retry tier named by
   * its nominal delay ({@code 5s}, {@code 1m}, ...).
   */
  default void retryScheduled(
      DeliveryTask task, Outcome.Retry outcome, String tier, Duration delay) {}

  /**
   * The task was handed to a retry tier without using up an attempt, because its endpoint's circuit
   * is open ({@code circuit_open}) or it has the most requests in flight ({@code endpoint_busy}).
   */
  default void held(DeliveryTask task, String reason, Duration wait) {}

  default void deadLettered(DeadLetter deadLetter) {}

  /**
   * The task's partition was revoked before it ended: it sent or wrote nothing more, and the
   * partition's next owner does it again.
   */
  default void fenced(DeliveryTask task) {}

  /** A dead-letter write failed; it is tried again with backoff. */
  default void deadLetterWriteFailed(DeadLetter deadLetter, Throwable error) {}
}
