package dev.fanout.retry;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * When the next attempt of a task happens, or that there is none.
 *
 * <p>After a failed attempt n the delay is {@code schedule[n-1]} spread by ±{@code jitter} (so
 * retries of many tasks that failed together do not return together), raised to the endpoint's
 * {@code Retry-After} when that is longer, which is capped at {@code maxRetryAfter} so an endpoint
 * cannot park work for ever.
 *
 * <p>A held task (not attempted: its breaker was open, or its endpoint could not take it in time)
 * waits at least what it was held for, doubled for every earlier hold and capped at {@code
 * maxHold}: a dead endpoint costs a few tier records per task over its whole outage, not one per
 * breaker interval.
 *
 * <p>A task whose next try would fall after {@code maxAge} from its start (first attempt or first
 * hold) is not tried again. A task never attempted nor held has no age yet, however long it waited
 * in Kafka: a backlog older than {@code maxAge} is still attempted.
 */
public final class RetryPolicy {
  private static final int MAX_DOUBLINGS = 20;

  private final List<Duration> schedule;
  private final double jitter;
  private final Duration maxRetryAfter;
  private final Duration maxAge;
  private final Duration maxHold;
  private final DoubleSupplier random;

  public RetryPolicy(
      List<Duration> schedule,
      double jitter,
      Duration maxRetryAfter,
      Duration maxAge,
      Duration maxHold,
      DoubleSupplier random) {
    this.schedule = List.copyOf(schedule);
    this.jitter = jitter;
    this.maxRetryAfter = maxRetryAfter;
    this.maxAge = maxAge;
    this.maxHold = maxHold;
    this.random = random;
  }

  public int maxAttempts() {
    return schedule.size() + 1;
  }

  public Duration maxAge() {
    return maxAge;
  }

  /**
   * The delay before the next attempt, or empty when the schedule is exhausted.
   *
   * @param attemptsMade attempts made so far, at least 1
   */
  public Optional<Duration> nextDelay(int attemptsMade, Duration retryAfter) {
    if (attemptsMade < 1 || attemptsMade > schedule.size()) {
      return Optional.empty();
    }
    Duration delay = jittered(schedule.get(attemptsMade - 1));
    if (retryAfter != null) {
      Duration requested = retryAfter.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter;
      if (requested.compareTo(delay) > 0) {
        delay = requested;
      }
    }
    return Optional.of(delay);
  }

  /**
   * How long a task held for {@code wait} waits: {@code wait × 2^earlierHolds}, at most {@code
   * maxHold} (but never less than {@code wait}), jittered like a retry.
   */
  public Duration holdDelay(Duration wait, int earlierHolds) {
    long base = Math.max(1, wait.toMillis());
    long doubled = base << Math.min(Math.max(0, earlierHolds), MAX_DOUBLINGS);
    long capped = Math.max(base, Math.min(doubled, maxHold.toMillis()));
    return jittered(Duration.ofMillis(capped));
  }

  /**
   * Whether a task started at {@code startedAt} (null: not started) is too old at {@code dueAt}.
   */
  public boolean expired(Instant startedAt, Instant dueAt) {
    return startedAt != null && dueAt.isAfter(startedAt.plus(maxAge));
  }

  private Duration jittered(Duration base) {
    double factor = 1.0 + jitter * (2.0 * random.getAsDouble() - 1.0);
    return Duration.ofMillis(Math.round(base.toMillis() * factor));
  }
}
