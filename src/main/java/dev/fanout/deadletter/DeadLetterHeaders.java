package dev.fanout.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code fanout.*} context headers of a dead-letter record, as UTF-8 strings. Headers that do
 * not apply are left out rather than written empty.
 */
public final class DeadLetterHeaders {
  public static final String REASON = "fanout.reason";
  public static final String WEBHOOK_ID = "fanout.webhook.id";
  public static final String DELIVERY_ID = "fanout.delivery.id";
  public static final String EVENT_ID = "fanout.event.id";
  public static final String EVENT_TYPE = "fanout.event.type";
  public static final String HTTP_STATUS = "fanout.http.status";
  public static final String ERROR = "fanout.error";
  public static final String ATTEMPTS = "fanout.attempts";
  public static final String FIRST_ATTEMPT_AT = "fanout.first.attempt.at";
  public static final String LAST_ATTEMPT_AT = "fanout.last.attempt.at";
  public static final String SOURCE_TOPIC = "fanout.source.topic";
  public static final String SOURCE_PARTITION = "fanout.source.partition";
  public static final String SOURCE_OFFSET = "fanout.source.offset";

  static final int MAX_ERROR_BYTES = 1024;

  private DeadLetterHeaders() {}

  public static List<Map.Entry<String, byte[]>> of(DeadLetter d) {
    List<Map.Entry<String, byte[]>> headers = new ArrayList<>(13);
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
    add(headers, SOURCE_TOPIC, d.origin().topic());
    add(headers, SOURCE_PARTITION, Integer.toString(d.origin().partition()));
    add(headers, SOURCE_OFFSET, Long.toString(d.origin().offset()));
    return headers;
  }

  private static void add(List<Map.Entry<String, byte[]>> headers, String name, String value) {
    if (value != null) {
      headers.add(Map.entry(name, value.getBytes(StandardCharsets.UTF_8)));
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
