package dev.fanout.retry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.config.Durations;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryTiersTest {
  private static final List<Duration> DEFAULT_SCHEDULE = durations("5s,1m,5m,30m,2h,5h,10h,10h");

  private final RetryTiers tiers = new RetryTiers("fanout.retry.", DEFAULT_SCHEDULE, 0.2);

  @Test
  void oneTopicPerDistinctDelayInIncreasingOrder() {
    assertThat(tiers.topics())
        .containsExactly(
            "fanout.retry.5s",
            "fanout.retry.1m",
            "fanout.retry.5m",
            "fanout.retry.30m",
            "fanout.retry.2h",
            "fanout.retry.5h",
            "fanout.retry.10h");
  }

  @Test
  void scheduleOutOfOrderStillGivesIncreasingTiers() {
    RetryTiers unordered = new RetryTiers("r.", durations("1m,250ms,5s,1m"), 0.0);

    assertThat(unordered.topics()).containsExactly("r.250ms", "r.5s", "r.1m");
    assertThat(unordered.smallest()).isEqualTo(Duration.ofMillis(250));
  }

  /** With ±20% jitter a tier of T holds waits up to 1.2 × T. */
  @ParameterizedTest
  @CsvSource({
    "0ms,5s",
    "1ms,5s",
    "5s,5s",
    "6s,5s",
    "6001ms,1m",
    "72s,1m",
    "73s,5m",
    "6m,5m",
    "361s,30m",
    "12h,10h",
  })
  void waitGoesToTheSmallestTierWhoseJitteredDelayCoversIt(String wait, String tier) {
    assertThat(tiers.tierFor(Durations.parse(wait))).isEqualTo(Durations.parse(tier));
  }

  @Test
  void waitLongerThanEveryTierGoesToTheLargest() {
    assertThat(tiers.tierFor(Duration.ofHours(13))).isEqualTo(Duration.ofHours(10));
    assertThat(tiers.tierFor(Duration.ofDays(30))).isEqualTo(Duration.ofHours(10));
  }

  @Test
  void withoutJitterATierCoversExactlyItsDelay() {
    RetryTiers exact = new RetryTiers("r.", durations("1s,10s"), 0.0);

    assertThat(exact.tierFor(Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
    assertThat(exact.tierFor(Duration.ofMillis(1001))).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void topicAndNameUseTheShortestExactForm() {
    assertThat(tiers.topic(Duration.ofMinutes(30))).isEqualTo("fanout.retry.30m");
    assertThat(RetryTiers.name(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(tiers.smallest()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void delayOfGivesTheTierOfOneOfItsTopicsAndNullForAnyOtherTopic() {
    assertThat(tiers.delayOf("fanout.retry.30m")).isEqualTo(Duration.ofMinutes(30));
    assertThat(tiers.delayOf("fanout.retry.5s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(tiers.delayOf("fanout.retry.7m")).isNull();
    assertThat(tiers.delayOf("other.retry.30m")).isNull();
  }

  @Test
  void longestWaitIsTheTierStretchedByTheJitter() {
    assertThat(tiers.longestWait(Duration.ofMinutes(1))).isEqualTo(Duration.ofSeconds(72));
    assertThat(tiers.longestWait(Duration.ofHours(10))).isEqualTo(Duration.ofHours(12));
    assertThat(new RetryTiers("r.", durations("1s"), 0.0).longestWait(Duration.ofSeconds(1)))
        .isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void waitUpToTheLargestTiersLongestWaitFitsTheTierChosenForIt() {
    for (String wait : List.of("1ms", "6s", "72s", "73s", "6m", "144m", "12h")) {
      Duration d = Durations.parse(wait);
      assertThat(tiers.longestWait(tiers.tierFor(d))).as(wait).isGreaterThanOrEqualTo(d);
    }
  }

  private static List<Duration> durations(String csv) {
    return Arrays.stream(csv.split(",")).map(Durations::parse).toList();
  }
}
