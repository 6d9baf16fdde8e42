package dev.fanout.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * What the engine asks of the retry capability: when a task that cannot end now is tried again, and
 * the durable hand-over that lets its source offset be committed meanwhile. Implementations are
 * thread-safe.
 */
public interface Retries {

  /** What becomes of a task that must wait. */
  sealed interface Plan {}

  /** Hand the task over, to be tried again at {@code dueAt}, {@code delay} from now. */
  record Later(Instant dueAt, Duration delay) implements Plan {}

  /** The task has had its chances: dead-letter it with {@code reason}. */
  record GiveUp(String reason) implements Plan {}

  /** After a failed attempt: the next attempt of the schedule, or the end of it. */
  Plan afterFailure(DeliveryTask task, Outcome.Retry outcome);

  /**
   * For a task held without an attempt (an open breaker, an endpoint that cannot take it in time):
   * at least {@code wait}, longer for a task held many times already.
   */
  Plan afterHold(DeliveryTask task, Duration wait);

  /**
   * Writes the task where it waits until {@code dueAt}. Completes when the write is durable, with
   * the name of the tier that holds it; fails with {@link Refused} when no retry of the write can
   * succeed.
   */
  CompletableFuture<String> handOver(DeliveryTask task, Instant dueAt);

  /** The hand-over can never succeed (the record is too large for the tier topic, say). */
  final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Refused(String message) {
      super(message);
    }
  }
}
