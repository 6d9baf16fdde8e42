package dev.fanout.delivery;

import dev.fanout.deadletter.DeadLetter;
import java.time.Duration;

/**
 * Hears what happens to delivery tasks; metrics and logs listen. Called from the engine's threads:
 * implementations must be thread-safe and quick.
 */
public interface DeliveryListener {
  default void attemptFinished(DeliveryTask task, Outcome outcome, Duration elapsed) {}

  default void delivered(DeliveryTask task) {}

  /**
   * A failed attempt will be tried again after {@code delay} (jittered), in the retry tier named by
   * its nominal delay ({@code 5s}, {@code 1m}, ...).
   */
  default void retryScheduled(
      DeliveryTask task, Outcome.Retry outcome, String tier, Duration delay) {}

  /** The endpoint's circuit is open: the task waits without using up an attempt. */
  default void held(DeliveryTask task, Duration wait) {}

  default void deadLettered(DeadLetter deadLetter) {}

  /** The webhook was deleted or disabled while its task waited for a retry; nothing was sent. */
  default void cancelled(DeliveryTask task) {}

  /** A dead-letter write failed; it is retried after {@code backoff}. */
  default void deadLetterWriteFailed(DeadLetter deadLetter, Throwable error, Duration backoff) {}
}
