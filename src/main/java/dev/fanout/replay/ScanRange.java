package dev.fanout.replay;

import java.time.Instant;

/**
 * The part of a topic a scan reads, per partition: from the first record at or after {@code since}
 * (found with {@code offsetsForTimes}) and {@code fromOffset}, up to the end offsets taken when the
 * scan starts, and no further than {@code toOffset} (inclusive). Records written after the scan
 * started are not read, so a scan always ends. {@code until} is not an offset bound (record times
 * need not grow with offsets); callers filter on it.
 */
public record ScanRange(Instant since, Instant until, Long fromOffset, Long toOffset) {
  public static final ScanRange ALL = new ScanRange(null, null, null, null);
}
