package dev.fanout.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * When the next attempt of a failed task happens, or that there is none.
 *
 * <p>The delay after attempt n is {@code schedule[n-1]} spread by ±{@code jitter} (so retries of
 * many tasks that failed together do not return together), raised to the endpoint's {@code
 * Retry-After} when that is longer, which is capped at {@code maxRetryAfter} so an endpoint cannot
 * park work for ever. A task whose next attempt would fall after {@code firstAttemptAt + maxAge} is
 * not retried.
 */
public final class RetryPolicy {
  private final List<Duration> schedule;
  private final double jitter;
  private final Duration maxRetryAfter;
  private final Duration maxAge;
  private final DoubleSupplier random;

  public RetryPolicy(
      List<Duration> schedule,
      double jitter,
      Duration maxRetryAfter,
      Duration maxAge,
      DoubleSupplier random) {
    this.schedule = List.copyOf(schedule);
    this.jitter = jitter;
    this.maxRetryAfter = maxRetryAfter;
    this.maxAge = maxAge;
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
    Duration base = schedule.get(attemptsMade - 1);
    double factor = 1.0 + jitter * (2.0 * random.getAsDouble() - 1.0);
    Duration delay = Duration.ofMillis(Math.round(base.toMillis() * factor));
    if (retryAfter != null) {
      Duration requested = retryAfter.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter;
      if (requested.compareTo(delay) > 0) {
        delay = requested;
      }
    }
    return Optional.of(delay);
  }

  /** Whether work due at {@code dueAt} is past the task's maximum age. */
  public boolean expired(Instant firstAttemptAt, Instant dueAt) {
    return firstAttemptAt != null && dueAt.isAfter(firstAttemptAt.plus(maxAge));
  }
}
