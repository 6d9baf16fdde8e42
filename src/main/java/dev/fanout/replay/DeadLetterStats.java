package dev.fanout.replay;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts of dead letters by reason, webhook, space and event type, with the oldest and newest. Its
 * size grows with the number of distinct values (webhooks, spaces, types), never with the number of
 * records. Not thread-safe.
 */
public final class DeadLetterStats {
  static final String NONE = "(none)";

  private final Map<String, Long> reasons = new TreeMap<>();
  private final Map<String, Long> webhooks = new TreeMap<>();
  private final Map<String, Long> spaces = new TreeMap<>();
  private final Map<String, Long> eventTypes = new TreeMap<>();
  private long total;
  private StoredDeadLetter oldest;
  private StoredDeadLetter newest;

  public void add(StoredDeadLetter d) {
    total++;
    reasons.merge(orNone(d.reason()), 1L, Long::sum);
    webhooks.merge(orNone(d.webhookId()), 1L, Long::sum);
    spaces.merge(d.space(), 1L, Long::sum);
    eventTypes.merge(orNone(d.eventType()), 1L, Long::sum);
    if (oldest == null || d.timestamp().isBefore(oldest.timestamp())) {
      oldest = d;
    }
    if (newest == null || d.timestamp().isAfter(newest.timestamp())) {
      newest = d;
    }
  }

  private static String orNone(String value) {
    return value == null || value.isEmpty() ? NONE : value;
  }

  public long total() {
    return total;
  }

  public Map<String, Long> reasons() {
    return Collections.unmodifiableMap(reasons);
  }

  public Map<String, Long> webhooks() {
    return Collections.unmodifiableMap(webhooks);
  }

  public Map<String, Long> spaces() {
    return Collections.unmodifiableMap(spaces);
  }

  public Map<String, Long> eventTypes() {
    return Collections.unmodifiableMap(eventTypes);
  }

  /** Time of the oldest dead letter counted; null when none was. */
  public Instant oldest() {
    return oldest == null ? null : oldest.timestamp();
  }

  public Instant newest() {
    return newest == null ? null : newest.timestamp();
  }

  /** Where the oldest is, as {@code partition:offset}; null when none was counted. */
  public String oldestAt() {
    return oldest == null ? null : oldest.partition() + ":" + oldest.offset();
  }

  public String newestAt() {
    return newest == null ? null : newest.partition() + ":" + newest.offset();
  }
}
