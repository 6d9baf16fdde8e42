package dev.fanout.delivery;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Decides whether a task may be sent now, keeping each endpoint's trouble to itself:
 *
 * <ul>
 *   <li>a circuit breaker per endpoint (scheme, host, port): while open, its tasks are held;
 *   <li>a bulkhead per endpoint: at most {@code delivery.max-in-flight-per-endpoint} requests at
 *       once, so a slow or black-holed endpoint cannot take the whole in-flight budget; excess
 *       tasks are held, not queued in memory;
 *   <li>a rate limiter per webhook that asks for one ({@code rate_limit_per_second}): throttled
 *       tasks wait briefly in process.
 * </ul>
 *
 * Every {@link Admitted} must be released exactly once with the attempt's outcome. Thread-safe.
 */
public final class EndpointGuards {
  private final CircuitBreakerRegistry breakers;
  private final BulkheadRegistry bulkheads;
  private final RateLimiterRegistry rateLimiters;
  private final Duration busyWait;

  /**
   * @param busyWait how long a task is held when its endpoint already has the maximum in flight
   */
  public EndpointGuards(
      CircuitBreakerRegistry breakers,
      BulkheadRegistry bulkheads,
      RateLimiterRegistry rateLimiters,
      Duration busyWait) {
    this.breakers = breakers;
    this.bulkheads = bulkheads;
    this.rateLimiters = rateLimiters;
    this.busyWait = busyWait;
  }

  public sealed interface Decision permits Admitted, Held, Throttled {}

  /** Send now; then call {@link #release}. */
  public record Admitted(CircuitBreaker breaker, Bulkhead bulkhead) implements Decision {}

  /** Do not send: hand the task over to be tried after {@code delay}, using up no attempt. */
  public record Held(Duration delay, String reason) implements Decision {}

  /** Over the webhook's rate: try again in process after {@code delay}. */
  public record Throttled(Duration delay) implements Decision {}

  public Decision admit(DeliveryTask task) {
    String endpoint = Endpoints.key(task.subscription().url());
    CircuitBreaker breaker = breakers.circuitBreaker(endpoint);
    if (!breaker.tryAcquirePermission()) {
      return new Held(openWait(breaker), "circuit_open");
    }
    Bulkhead bulkhead = bulkheads.bulkhead(endpoint);
    if (!bulkhead.tryAcquirePermission()) {
      breaker.releasePermission();
      return new Held(busyWait, "endpoint_busy");
    }
    Integer rate = task.subscription().rateLimitPerSecond();
    if (rate != null) {
      RateLimiter limiter = limiter(task.subscription().id(), rate);
      if (!limiter.acquirePermission()) {
        bulkhead.onComplete();
        breaker.releasePermission();
        return new Throttled(Duration.ofMillis(Math.max(10, 1000 / rate)));
      }
    }
    return new Admitted(breaker, bulkhead);
  }

  /** Feeds the attempt's outcome to the breaker and frees the endpoint's slot. */
  public void release(Admitted admitted, Outcome outcome, Duration elapsed) {
    admitted.bulkhead().onComplete();
    if (outcome.endpointFailure()) {
      admitted
          .breaker()
          .onError(elapsed.toNanos(), TimeUnit.NANOSECONDS, new EndpointFailure(outcome));
    } else {
      admitted.breaker().onSuccess(elapsed.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private RateLimiter limiter(String webhookId, int perSecond) {
    // Keyed with the rate, so a changed limit takes effect with a fresh limiter.
    return rateLimiters.rateLimiter(
        webhookId + "@" + perSecond,
        RateLimiterConfig.custom()
            .limitForPeriod(perSecond)
            .limitRefreshPeriod(Duration.ofSeconds(1))
            .timeoutDuration(Duration.ZERO)
            .build());
  }

  /** The open interval, or a short recheck while half-open probes are all taken. */
  private static Duration openWait(CircuitBreaker breaker) {
    long configured =
        breaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1);
    return breaker.getState() == CircuitBreaker.State.HALF_OPEN
        ? Duration.ofMillis(Math.min(1000, configured))
        : Duration.ofMillis(configured);
  }

  /** What the breaker records for an unhealthy answer; its message names only the reason. */
  static final class EndpointFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    EndpointFailure(Outcome outcome) {
      super(outcome instanceof Outcome.Retry r ? r.reason() : "failure", null, false, false);
    }
  }
}
