package dev.fanout.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private static final Duration MAX_HOLD = Duration.ofHours(1);
  private static final List<Duration> SCHEDULE =
      List.of(Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofMinutes(5));

  @Test
  void lowestRandomGivesDelayShortenedByTheJitter() {
    assertThat(policy(0.2, () -> 0.0).nextDelay(1, null)).hasValue(Duration.ofSeconds(4));
  }

  @Test
  void highestRandomGivesDelayLengthenedByTheJitter() {
    // DoubleSupplier values are below 1.0; 0.999999 comes within a millisecond of +20%.
    Duration delay = policy(0.2, () -> 0.999_999).nextDelay(1, null).orElseThrow();

    assertThat(delay).isBetween(Duration.ofMillis(5999), Duration.ofSeconds(6));
  }

  @Test
  void middleRandomGivesTheNominalDelay() {
    assertThat(policy(0.2, () -> 0.5).nextDelay(2, null)).hasValue(Duration.ofMinutes(1));
  }

  @Test
  void delayStaysWithinJitterBoundsForAnyRandomValue() {
    for (double r = 0.0; r < 1.0; r += 0.05) {
      double value = r;
      Duration delay = policy(0.2, () -> value).nextDelay(3, null).orElseThrow();
      assertThat(delay).isBetween(Duration.ofMinutes(4), Duration.ofMinutes(6));
    }
  }

  @Test
  void zeroJitterGivesExactSchedule() {
    RetryPolicy policy = policy(0.0, () -> 0.123);

    assertThat(policy.nextDelay(1, null)).hasValue(Duration.ofSeconds(5));
    assertThat(policy.nextDelay(2, null)).hasValue(Duration.ofMinutes(1));
    assertThat(policy.nextDelay(3, null)).hasValue(Duration.ofMinutes(5));
  }

  @Test
  void longerRetryAfterReplacesTheScheduledDelay() {
    assertThat(policy(0.0, () -> 0.5).nextDelay(1, Duration.ofSeconds(30)))
        .hasValue(Duration.ofSeconds(30));
  }

  @Test
  void shorterRetryAfterDoesNotShortenTheScheduledDelay() {
    assertThat(policy(0.0, () -> 0.5).nextDelay(2, Duration.ofSeconds(1)))
        .hasValue(Duration.ofMinutes(1));
  }

  @Test
  void retryAfterIsCappedAtMaximum() {
    assertThat(policy(0.0, () -> 0.5).nextDelay(1, Duration.ofDays(3)))
        .hasValue(Duration.ofHours(1));
  }

  @Test
  void scheduleExhaustedGivesNoDelay() {
    RetryPolicy policy = policy(0.2, () -> 0.5);

    assertThat(policy.nextDelay(3, null)).isPresent();
    assertThat(policy.nextDelay(4, null)).isEmpty();
    assertThat(policy.nextDelay(4, Duration.ofSeconds(1))).isEmpty();
    assertThat(policy.maxAttempts()).isEqualTo(4);
  }

  @Test
  void noAttemptYetGivesNoDelay() {
    assertThat(policy(0.2, () -> 0.5).nextDelay(0, null)).isEmpty();
  }

  @Test
  void workDueAfterMaxAgeIsExpired() {
    RetryPolicy policy = policy(0.2, () -> 0.5);
    Instant first = Instant.parse("2026-01-01T00:00:00Z");

    assertThat(policy.expired(first, first.plus(Duration.ofHours(72)))).isFalse();
    assertThat(policy.expired(first, first.plus(Duration.ofHours(72)).plusMillis(1))).isTrue();
    assertThat(policy.expired(first, first.plusSeconds(5))).isFalse();
  }

  @Test
  void taskNeverAttemptedIsNotExpired() {
    assertThat(policy(0.2, () -> 0.5).expired(null, Instant.MAX)).isFalse();
  }

  @Test
  void firstHoldWaitsWhatItWasHeldFor() {
    assertThat(policy(0.2, () -> 0.5).holdDelay(Duration.ofSeconds(30), 0))
        .isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void everyEarlierHoldDoublesTheWait() {
    RetryPolicy policy = policy(0.2, () -> 0.5);

    assertThat(policy.holdDelay(Duration.ofSeconds(30), 1)).isEqualTo(Duration.ofMinutes(1));
    assertThat(policy.holdDelay(Duration.ofSeconds(30), 3)).isEqualTo(Duration.ofMinutes(4));
  }

  @Test
  void holdsStopGrowingAtTheMaximumHold() {
    RetryPolicy policy = policy(0.2, () -> 0.5);

    assertThat(policy.holdDelay(Duration.ofSeconds(30), 10)).isEqualTo(MAX_HOLD);
    assertThat(policy.holdDelay(Duration.ofSeconds(30), 1_000)).isEqualTo(MAX_HOLD);
  }

  @Test
  void aHoldLongerThanTheMaximumIsNotShortened() {
    assertThat(policy(0.2, () -> 0.5).holdDelay(Duration.ofHours(2), 0))
        .isEqualTo(Duration.ofHours(2));
  }

  @Test
  void aDeadEndpointCostsAHandfulOfHoldsPerTaskOverTheMaximumAge() {
    RetryPolicy policy = policy(0.2, () -> 0.5);
    Duration waited = Duration.ZERO;
    int holds = 0;
    while (waited.compareTo(Duration.ofHours(72)) < 0) {
      waited = waited.plus(policy.holdDelay(Duration.ofSeconds(30), holds));
      holds++;
    }
    // 30 s doubling up to 32 min is 7 holds (63.5 min); then one an hour: 78 in 72 h, where a
    // hold every 30 s would be 8,640.
    assertThat(holds).isEqualTo(78);
  }

  @Test
  void aTaskNeverStartedHasNoAge() {
    assertThat(policy(0.2, () -> 0.5).expired(null, Instant.parse("2100-01-01T00:00:00Z")))
        .isFalse();
  }

  private static RetryPolicy policy(double jitter, DoubleSupplier random) {
    return new RetryPolicy(
        SCHEDULE, jitter, Duration.ofHours(1), Duration.ofHours(72), MAX_HOLD, random);
  }
}
