package dev.fanout.retry;

import dev.fanout.deadletter.Reasons;
import dev.fanout.delivery.DeliveryTask;
import dev.fanout.delivery.Outcome;
import dev.fanout.delivery.Retries;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The engine's retries: timing from the {@link RetryPolicy}, waiting in the retry tier topics. */
public final class TierRetries implements Retries {
  private final RetryPolicy policy;
  private final RetryScheduler scheduler;
  private final Clock clock;

  public TierRetries(RetryPolicy policy, RetryScheduler scheduler, Clock clock) {
    this.policy = policy;
    this.scheduler = scheduler;
    this.clock = clock;
  }

  @Override
  public Plan afterFailure(DeliveryTask task, Outcome.Retry outcome) {
    Optional<Duration> delay = policy.nextDelay(task.attempts(), outcome.retryAfter());
    if (delay.isEmpty()) {
      return new GiveUp(outcome.reason());
    }
    return later(task.startedAt(), delay.get());
  }

  @Override
  public Plan afterHold(DeliveryTask task, Duration wait) {
    Instant now = clock.instant();
    Instant startedAt = task.startedAt() != null ? task.startedAt() : now;
    return later(startedAt, policy.holdDelay(wait, task.holds()));
  }

  @Override
  public CompletableFuture<String> handOver(DeliveryTask task, Instant dueAt) {
    return scheduler.schedule(task, dueAt);
  }

  private Plan later(Instant startedAt, Duration delay) {
    Instant dueAt = clock.instant().plus(delay);
    return policy.expired(startedAt, dueAt) ? new GiveUp(Reasons.EXPIRED) : new Later(dueAt, delay);
  }
}
