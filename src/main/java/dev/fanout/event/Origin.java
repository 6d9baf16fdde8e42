package dev.fanout.event;

import java.time.Instant;
import java.util.List;

/**
 * Where a consumed record came from: carried into retry tasks and to the dead-letter topic, with
 * the source record's own headers (a {@code traceparent}, a schema id), which every retry and
 * dead-letter record of it carries on.
 */
public record Origin(
    String topic, int partition, long offset, byte[] key, Instant timestamp, List<Header> headers) {
  public Origin {
    headers = List.copyOf(headers);
  }

  public Origin(String topic, int partition, long offset, byte[] key, Instant timestamp) {
    this(topic, partition, offset, key, timestamp, List.of());
  }

  /** One header of the source record, as it came. */
  public record Header(String key, byte[] value) {}
}
