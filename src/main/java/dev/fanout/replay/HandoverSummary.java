package dev.fanout.replay;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * What a replay or resend did.
 *
 * @param scanned records read in the range
 * @param matched records the filters selected
 * @param handedOver records written to the first retry tier and committed (with {@code --dry-run}:
 *     that would have been)
 * @param skipped matched records handed to no one, by why
 */
public record HandoverSummary(
    long scanned, long matched, long handedOver, Map<Skip, Long> skipped) {
  public HandoverSummary {
    skipped = Collections.unmodifiableMap(new EnumMap<>(skipped));
  }

  public long skipped(Skip why) {
    return skipped.getOrDefault(why, 0L);
  }

  /** Counts as a scan goes; not thread-safe. */
  static final class Counter {
    long scanned;
    long matched;
    long handedOver;
    final Map<Skip, Long> skipped = new EnumMap<>(Skip.class);

    void skip(Skip why) {
      skipped.merge(why, 1L, Long::sum);
    }

    HandoverSummary summary() {
      return new HandoverSummary(scanned, matched, handedOver, skipped);
    }
  }
}
