package dev.fanout.deadletter;

import static dev.fanout.kafka.FanoutHeaders.ATTEMPTS;
import static dev.fanout.kafka.FanoutHeaders.DELIVERY_ID;
import static dev.fanout.kafka.FanoutHeaders.ERROR;
import static dev.fanout.kafka.FanoutHeaders.EVENT_ID;
import static dev.fanout.kafka.FanoutHeaders.EVENT_TYPE;
import static dev.fanout.kafka.FanoutHeaders.FIRST_ATTEMPT_AT;
import static dev.fanout.kafka.FanoutHeaders.HTTP_STATUS;
import static dev.fanout.kafka.FanoutHeaders.LAST_ATTEMPT_AT;
import static dev.fanout.kafka.FanoutHeaders.REASON;
import static dev.fanout.kafka.FanoutHeaders.REPLAYS;
import static dev.fanout.kafka.FanoutHeaders.SOURCE_OFFSET;
import static dev.fanout.kafka.FanoutHeaders.SOURCE_PARTITION;
import static dev.fanout.kafka.FanoutHeaders.SOURCE_TIMESTAMP;
import static dev.fanout.kafka.FanoutHeaders.SOURCE_TOPIC;
import static dev.fanout.kafka.FanoutHeaders.WEBHOOK_ID;

import dev.fanout.kafka.FanoutHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;

/**
 * The headers of a dead-letter record: the source record's own headers, as they came, then the
 * {@code fanout.*} context, as UTF-8 strings. Context that does not apply is left out rather than
 * written empty.
 */
public final class DeadLetterHeaders {
  static final int MAX_ERROR_BYTES = 1024;

  private DeadLetterHeaders() {}

  public static void write(DeadLetter d, Headers headers) {
    FanoutHeaders.addSourceHeaders(d.origin(), headers);
    add(headers, REASON, d.reason());
    add(headers, WEBHOOK_ID, d.webhookId());
    add(headers, DELIVERY_ID, d.deliveryId());
    add(headers, EVENT_ID, d.eventId());
    add(headers, EVENT_TYPE, d.eventType());
    add(headers, HTTP_STATUS, d.httpStatus() > 0 ? Integer.toString(d.httpStatus()) : null);
    add(headers, ERROR, truncate(d.error()));
    add(headers, ATTEMPTS, Integer.toString(d.attempts()));
    add(headers, FIRST_ATTEMPT_AT, rfc3339(d.firstAttemptAt()));
    add(headers, LAST_ATTEMPT_AT, rfc3339(d.lastAttemptAt()));
    add(headers, REPLAYS, d.replays() > 0 ? Integer.toString(d.replays()) : null);
    add(headers, SOURCE_TOPIC, d.origin().topic());
    add(headers, SOURCE_PARTITION, Integer.toString(d.origin().partition()));
    add(headers, SOURCE_OFFSET, Long.toString(d.origin().offset()));
    add(headers, SOURCE_TIMESTAMP, rfc3339(d.origin().timestamp()));
  }

  private static void add(Headers headers, String name, String value) {
    if (value != null) {
      headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String rfc3339(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  /** At most 1 KiB of UTF-8, cut on a character boundary. */
  static String truncate(String error) {
    if (error == null) {
      return null;
    }
    byte[] bytes = error.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= MAX_ERROR_BYTES) {
      return error;
    }
    int end = MAX_ERROR_BYTES;
    while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
      end--;
    }
    return new String(bytes, 0, end, StandardCharsets.UTF_8);
  }
}
