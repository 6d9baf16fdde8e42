package dev.fanout.delivery;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.limit.AIMDLimit;
import com.netflix.concurrency.limits.limit.FixedLimit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limit.VegasLimit;
import com.netflix.concurrency.limits.limit.WindowedLimit;
import dev.fanout.config.FanoutConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Builds the adaptive concurrency limits of hosts and lanes from Netflix's concurrency-limits
 * algorithms, so their behaviour is a library's, tested elsewhere, and not ours.
 */
public final class ConcurrencyLimits {
  private static final long WINDOW_MILLIS = 100;

  private ConcurrencyLimits() {}

  /** A new host limit per call, as configured. */
  public static Supplier<Limit> hosts(FanoutConfig.HostConcurrency c, Duration requestTimeout) {
    return switch (c.algorithm()) {
      case "fixed" -> () -> FixedLimit.of(c.max());
      case "aimd" -> () -> aimd(c.initial(), c.min(), c.max(), requestTimeout, 0.9);
      case "vegas" ->
          () -> VegasLimit.newBuilder().initialLimit(c.initial()).maxConcurrency(c.max()).build();
      default -> () -> gradient2(c, requestTimeout);
    };
  }

  /**
   * Gradient2 on windows of requests (the library's {@link WindowedLimit}): the limit moves once
   * per window of at least {@value #WINDOW_MILLIS} ms (twice the round trip for slower hosts, up to
   * a second), on the window's average round trip. Fed every single request instead, Gradient2
   * follows the requests' jitter: with a fast host whose answers vary from one to the next it sank
   * to about 10 requests in flight however much the host could take, and stayed there.
   *
   * <p>Per window, the limit grows by a quarter while the average round trip stays within 1.5 times
   * its long-term average (about a minute), and shrinks towards half when it does not. Gradient2
   * reads round trips only, so an answer that says the host is overloaded (429, 503) counts as a
   * request that took the whole request timeout, as a timeout does.
   */
  private static Limit gradient2(FanoutConfig.HostConcurrency c, Duration requestTimeout) {
    Limit perWindow =
        Gradient2Limit.newBuilder()
            .initialLimit(c.initial())
            .minLimit(c.min())
            .maxConcurrency(c.max())
            // A window's average is already smooth: each window's estimate stands.
            .smoothing(1.0)
            .queueSizeFunction(limit -> Math.max(4, limit / 4))
            .build();
    Limit windowed =
        WindowedLimit.newBuilder()
            .minWindowTime(WINDOW_MILLIS, TimeUnit.MILLISECONDS)
            .maxWindowTime(1, TimeUnit.SECONDS)
            .build(perWindow);
    return new OverloadAsTimeout(windowed, requestTimeout.toNanos());
  }

  /** Passes an overloaded answer on as a round trip of at least the request timeout. */
  private record OverloadAsTimeout(Limit delegate, long timeoutNanos) implements Limit {
    @Override
    public int getLimit() {
      return delegate.getLimit();
    }

    @Override
    public void notifyOnChange(Consumer<Integer> consumer) {
      delegate.notifyOnChange(consumer);
    }

    @Override
    public void onSample(long startTime, long rtt, int inflight, boolean didDrop) {
      delegate.onSample(startTime, didDrop ? Math.max(rtt, timeoutNanos) : rtt, inflight, didDrop);
    }
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
