package dev.fanout.history;

import java.time.Instant;

/**
 * A dead-letter record of one delivery, as read back from the dead-letter topic (its headers; the
 * event bytes are not kept).
 *
 * @param at the record's timestamp: when it was dead-lettered
 */
public record DeadLetterEntry(
    String topic,
    int partition,
    long offset,
    Instant at,
    String reason,
    int attempts,
    int replays,
    int httpStatus,
    String error) {}
