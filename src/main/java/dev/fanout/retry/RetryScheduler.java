package dev.fanout.retry;

import dev.fanout.delivery.DeliveryTask;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * Writes a task where it waits until it is due. The future completes when the write is durable;
 * from then on the task no longer needs this process, and its source offset may be committed.
 */
public interface RetryScheduler {
  /**
   * @return the name of the tier the task went to
   * @throws dev.fanout.delivery.Retries.Refused (in the future) when no retry can succeed
   */
  CompletableFuture<String> schedule(DeliveryTask task, Instant dueAt);
}
