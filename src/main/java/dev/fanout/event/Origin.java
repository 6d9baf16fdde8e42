package dev.fanout.event;

import dev.fanout.kafka.FanoutHeaders;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

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

  /** The headers of a record that are not Fanout's own. */
  public static List<Header> sourceHeaders(Headers headers) {
    List<Header> own = null;
    for (Header header : headers) {
      if (!FanoutHeaders.isOwn(header.key())) {
        if (own == null) {
          own = new ArrayList<>(4);
        }
        own.add(header);
      }
    }
    return own == null ? List.of() : own;
  }
}
