package dev.fanout.delivery;

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
 *   <li>{@link EndpointSlots}: at most {@code delivery.max-in-flight-per-endpoint} requests to an
 *       endpoint at once, as many again waiting in memory, and the rest held in a retry tier;
 *   <li>a Resilience4j circuit breaker per endpoint (scheme, host, port): while open, its tasks are
 *       held in a retry tier, using up no attempt;
 *   <li>a Resilience4j rate limiter per webhook that asks for one ({@code rate_limit_per_second}):
 *       throttled tasks wait briefly in process, keeping their endpoint slot.
 * </ul>
 *
 * Every {@link Admitted} must be released exactly once with the attempt's outcome. Thread-safe.
 */
public final class EndpointGuards {
  private final CircuitBreakerRegistry breakers;
  private final RateLimiterRegistry rateLimiters;
  private final EndpointSlots slots;
  private final Duration busyWait;

  /**
   * @param busyWait how long a task is held when its endpoint has no slot and no room to wait
   */
  public EndpointGuards(
      CircuitBreakerRegistry breakers,
      RateLimiterRegistry rateLimiters,
      EndpointSlots slots,
      Duration busyWait) {
    this.breakers = breakers;
    this.rateLimiters = rateLimiters;
    this.slots = slots;
    this.busyWait = busyWait;
  }

  public sealed interface Decision permits Admitted, Held, Throttled, Queued {}

  /** Send now; then call {@link #release}. */
  public record Admitted(String endpoint, CircuitBreaker breaker) implements Decision {}

  /** Do not send: hand the task over to be tried after {@code delay}, using up no attempt. */
  public record Held(Duration delay, String reason) implements Decision {}

  /**
   * Over the webhook's rate: keep the endpoint slot and try again in process, with {@link
   * #admitWithSlot}, after {@code delay}.
   */
  public record Throttled(Duration delay) implements Decision {}

  /** The endpoint is busy: {@code retry} runs when a slot frees. */
  public record Queued() implements Decision {}

  /**
   * @param retry what to run when the task, queued for a slot, gets one: it calls this again
   */
  public Decision admit(DeliveryTask task, Runnable retry) {
    String endpoint = Endpoints.key(task.subscription().url());
    EndpointSlots.Result slot = slots.acquire(endpoint, retry);
    if (slot == EndpointSlots.Result.QUEUED) {
      return new Queued();
    }
    if (slot == EndpointSlots.Result.FULL) {
      return new Held(busyWait, "endpoint_busy");
    }
    return admitWithSlot(task, endpoint);
  }

  /** Like {@link #admit}, for a task that was queued and has been handed a slot. */
  public Decision admitWithSlot(DeliveryTask task) {
    return admitWithSlot(task, Endpoints.key(task.subscription().url()));
  }

  private Decision admitWithSlot(DeliveryTask task, String endpoint) {
    CircuitBreaker breaker = breakers.circuitBreaker(endpoint);
    if (!breaker.tryAcquirePermission()) {
      slots.release(endpoint);
      return new Held(openWait(breaker), "circuit_open");
    }
    Integer rate = task.subscription().rateLimitPerSecond();
    if (rate != null && !limiter(task.subscription().id(), rate).acquirePermission()) {
      // The task keeps its endpoint slot while it waits, so a busy rate-limited webhook fills its
      // endpoint's slots and queue, and then has its overflow held in a retry tier, instead of
      // piling up waiting tasks in the worker's in-flight budget.
      breaker.releasePermission();
      return new Throttled(Duration.ofMillis(Math.max(10, 1000 / rate)));
    }
    return new Admitted(endpoint, breaker);
  }

  /** Feeds the attempt's outcome to the breaker and frees the endpoint's slot. */
  public void release(Admitted admitted, Outcome outcome, Duration elapsed) {
    if (outcome.endpointFailure()) {
      admitted
          .breaker()
          .onError(elapsed.toNanos(), TimeUnit.NANOSECONDS, new EndpointFailure(outcome));
    } else {
      admitted.breaker().onSuccess(elapsed.toNanos(), TimeUnit.NANOSECONDS);
    }
    slots.release(admitted.endpoint());
  }

  /** Gives back an admission that sent nothing: the breaker records no outcome for it. */
  public void abandon(Admitted admitted) {
    admitted.breaker().releasePermission();
    slots.release(admitted.endpoint());
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
