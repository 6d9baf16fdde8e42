package dev.fanout.event;

import java.time.Instant;

/**
 * One consumed event. {@code body} is the record value exactly as the producer wrote it: it is what
 * gets POSTed and signed, never a re-serialisation.
 *
 * @param occurredAt the envelope's {@code occurred_at}, or null when absent or unparseable
 */
public record Event(String id, String type, String spaceId, Instant occurredAt, byte[] body) {}
