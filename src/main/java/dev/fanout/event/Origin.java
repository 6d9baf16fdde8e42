package dev.fanout.event;

import java.time.Instant;

/** Where a consumed record came from: carried to the dead-letter topic and into retry tasks. */
public record Origin(String topic, int partition, long offset, byte[] key, Instant timestamp) {}
