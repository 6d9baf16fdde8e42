package dev.fanout.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import dev.fanout.config.FanoutConfig;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ConcurrencyLimitsTest {
  private static final FanoutConfig.HostConcurrency GRADIENT2 =
      new FanoutConfig.HostConcurrency("gradient2", 20, 4, 512);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** Requests to one host, each taking its turn as the limit allows, on a simulated clock. */
  private static final class Host {
    final Limit limit;
    final Random random = new Random(42);
    long nowNanos = TimeUnit.SECONDS.toNanos(1);

    Host(Limit limit) {
      this.limit = limit;
    }

    /**
     * {@code seconds} of answers at {@code perSecond}, every one with the host at its limit, their
     * round trips spread exponentially around {@code meanMicros}: jitter, no trend.
     */
    void answer(double seconds, int perSecond, double meanMicros) {
      answer(seconds, perSecond, meanMicros, 0);
    }

    /** The same, with one answer in {@code overloadedEvery} a fast 429 or 503 (0: none). */
    void answer(double seconds, int perSecond, double meanMicros, int overloadedEvery) {
      long step = TimeUnit.SECONDS.toNanos(1) / perSecond;
      for (long i = 0; i < (long) (seconds * perSecond); i++) {
        long rtt = (long) (-Math.log(1 - random.nextDouble()) * meanMicros * 1000) + 1;
        nowNanos += step;
        boolean overloaded = overloadedEvery > 0 && i % overloadedEvery == 0;
        limit.onSample(nowNanos - rtt, rtt, limit.getLimit(), overloaded);
      }
    }
  }

  /** A host limit after five seconds of a fast host answering with jitter, 25,000 a second. */
  private static Host grownBehindAFastHost() {
    Host host = new Host(ConcurrencyLimits.hosts(GRADIENT2, TIMEOUT).get());
    host.answer(5, 25_000, 1_000);
    return host;
  }

  @Test
  void aFastHostWhoseAnswersJitterGetsRoomToGrow() {
    assertThat(grownBehindAFastHost().limit.getLimit()).isGreaterThanOrEqualTo(256);
  }

  @Test
  void gradient2FedEveryRequestSinksUnderTheSameJitter() {
    // Why the samples are windowed: the same answers, one sample each, hold the limit down.
    Host host =
        new Host(
            Gradient2Limit.newBuilder().initialLimit(20).minLimit(4).maxConcurrency(512).build());

    host.answer(5, 25_000, 1_000);

    assertThat(host.limit.getLimit()).isLessThan(64);
  }

  /** Grown behind a fast host, then a second of {@code trouble}: three quarters of it are gone. */
  private static void losesMostOfItsLimitWithinASecondOf(Consumer<Host> trouble) {
    Host host = grownBehindAFastHost();
    int grown = host.limit.getLimit();

    trouble.accept(host);

    assertThat(host.limit.getLimit()).isLessThan(grown / 4);
  }

  @Test
  void aHostThatSlowsDownLosesMostOfItsLimitWithinASecond() {
    losesMostOfItsLimitWithinASecondOf(host -> host.answer(1, 5_000, 4_000));
  }

  @Test
  void aSlowSteadyHostStillReachesItsMaximum() {
    // 50 ms answers: the limit must reach 512 in flight within seconds, not minutes.
    Host host = new Host(ConcurrencyLimits.hosts(GRADIENT2, TIMEOUT).get());

    host.answer(3, 10_000, 50_000);

    assertThat(host.limit.getLimit()).isEqualTo(512);
  }

  @Test
  void fastOverloadedAnswersShrinkTheLimitAsTimeoutsWould() {
    // As fast as before, but one answer in a thousand is a 429 or a 503.
    losesMostOfItsLimitWithinASecondOf(host -> host.answer(1, 25_000, 1_000, 1_000));
  }
}
