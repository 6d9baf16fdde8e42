package dev.fanout.delivery;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * Hands a task over to be attempted again later. The future completes when the hand-over is
 * durable; from then on the task no longer needs this process, and its source offset may be
 * committed.
 */
public interface RetryScheduler {
  /**
   * @return the name of the tier the task went to
   */
  CompletableFuture<String> schedule(DeliveryTask task, Instant dueAt);

  /** The hand-over can never succeed (the record is too large for the tier topic, say). */
  final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Refused(String message) {
      super(message);
    }
  }
}
