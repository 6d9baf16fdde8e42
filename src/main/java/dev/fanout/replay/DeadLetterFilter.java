package dev.fanout.replay;

import java.time.Instant;

/**
 * Which dead letters a command looks at. Every criterion left null matches everything; those given
 * must all hold. {@code since} is inclusive and {@code until} exclusive, on the time the record was
 * dead-lettered; offsets are inclusive and apply to every partition of the topic.
 */
public record DeadLetterFilter(
    String webhookId,
    String space,
    String reason,
    String eventType,
    Instant since,
    Instant until,
    Long fromOffset,
    Long toOffset) {

  public static final DeadLetterFilter ALL =
      new DeadLetterFilter(null, null, null, null, null, null, null, null);

  public DeadLetterFilter {
    if (since != null && until != null && !since.isBefore(until)) {
      throw new IllegalArgumentException("--since " + since + " is not before --until " + until);
    }
    if (fromOffset != null && fromOffset < 0) {
      throw new IllegalArgumentException("--from-offset must not be negative: " + fromOffset);
    }
    if (fromOffset != null && toOffset != null && toOffset < fromOffset) {
      throw new IllegalArgumentException(
          "--to-offset " + toOffset + " is below --from-offset " + fromOffset);
    }
  }

  public boolean matches(StoredDeadLetter d) {
    return (webhookId == null || webhookId.equals(d.webhookId()))
        && (space == null || space.equals(d.space()))
        && (reason == null || reason.equals(d.reason()))
        && (eventType == null || eventType.equals(d.eventType()))
        && (since == null || !d.timestamp().isBefore(since))
        && (until == null || d.timestamp().isBefore(until))
        && (fromOffset == null || d.offset() >= fromOffset)
        && (toOffset == null || d.offset() <= toOffset);
  }

  /** The part of the filter a scan can turn into start and end offsets. */
  public ScanRange range() {
    return new ScanRange(since, until, fromOffset, toOffset);
  }
}
