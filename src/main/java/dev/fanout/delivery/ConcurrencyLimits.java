package dev.fanout.delivery;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.limit.AIMDLimit;
import com.netflix.concurrency.limits.limit.FixedLimit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limit.VegasLimit;
import dev.fanout.config.FanoutConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Builds the adaptive concurrency limits of hosts and lanes from Netflix's concurrency-limits
 * algorithms, so their behaviour is a library's, tested elsewhere, and not ours.
 */
public final class ConcurrencyLimits {
  private ConcurrencyLimits() {}

  /** A new host limit per call, as configured. */
  public static Supplier<Limit> hosts(FanoutConfig.HostConcurrency c, Duration requestTimeout) {
    return switch (c.algorithm()) {
      case "fixed" -> () -> FixedLimit.of(c.max());
      case "aimd" -> () -> aimd(c.initial(), c.min(), c.max(), requestTimeout, 0.9);
      case "vegas" ->
          () -> VegasLimit.newBuilder().initialLimit(c.initial()).maxConcurrency(c.max()).build();
      default ->
          () ->
              Gradient2Limit.newBuilder()
                  .initialLimit(c.initial())
                  .minLimit(c.min())
                  .maxConcurrency(c.max())
                  .build();
    };
  }

  /**
   * A new lane cap per call, starting at the given number of requests: loss based, halved by every
   * failure or timeout of the webhook's requests down to one request, and up by one per answered
   * request while it is used.
   */
  public static IntFunction<Limit> lanes(FanoutConfig.HostConcurrency c, Duration requestTimeout) {
    return initial -> aimd(Math.min(initial, c.max()), 1, c.max(), requestTimeout, 0.5);
  }

  private static Limit aimd(
      int initial, int min, int max, Duration requestTimeout, double backoffRatio) {
    return AIMDLimit.newBuilder()
        .initialLimit(initial)
        .minLimit(min)
        .maxLimit(max)
        .backoffRatio(backoffRatio)
        .timeout(requestTimeout.toNanos() + 1, TimeUnit.NANOSECONDS)
        .build();
  }
}
