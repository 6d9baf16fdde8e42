package dev.fanout.retry;

import dev.fanout.config.Durations;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The retry tier topics, one per distinct delay of the schedule ({@code fanout.retry.5s}, ...), and
 * which tier a wait belongs in.
 *
 * <p>A tier's consumer holds each partition until its head record is due, so a record must not sit
 * in front of records due much earlier. Every record in tier {@code T} waits at most {@code T × (1
 * + jitter)}: a wait goes to the smallest tier that covers it. A wait longer than the largest tier
 * goes to the largest, and its consumer parks it again for what is left instead of holding the
 * partition ({@code RetryRouter}).
 */
public final class RetryTiers {
  private final String prefix;
  private final List<Duration> delays;
  private final double jitter;

  public RetryTiers(String prefix, List<Duration> schedule, double jitter) {
    this.prefix = prefix;
    this.delays = List.copyOf(new TreeSet<>(schedule));
    this.jitter = jitter;
  }

  /**
   * Every tier topic of this prefix, whatever its delay: also the tiers of an earlier schedule,
   * whose records must still be consumed after the schedule changed.
   */
  public Pattern anyTier() {
    return Pattern.compile(Pattern.quote(prefix) + "[0-9]+(ms|s|m|h|d)");
  }

  public List<String> topics() {
    return delays.stream().map(this::topic).toList();
  }

  /** The tier a wait goes in: the smallest whose jittered delay covers it. */
  public Duration tierFor(Duration wait) {
    for (Duration delay : delays) {
      if (delay.toMillis() * (1 + jitter) >= wait.toMillis()) {
        return delay;
      }
    }
    return delays.get(delays.size() - 1);
  }

  /** The tier a topic belongs to; null when it is not a tier topic of this schedule. */
  public Duration delayOf(String topic) {
    for (Duration delay : delays) {
      if (topic(delay).equals(topic)) {
        return delay;
      }
    }
    return null;
  }

  /** The longest a record may hold a partition of this tier: its delay stretched by the jitter. */
  public Duration longestWait(Duration tier) {
    return Duration.ofMillis(Math.round(tier.toMillis() * (1 + jitter)));
  }

  public Duration smallest() {
    return delays.get(0);
  }

  public String topic(Duration tier) {
    return prefix + Durations.format(tier);
  }

  public static String name(Duration tier) {
    return Durations.format(tier);
  }
}
