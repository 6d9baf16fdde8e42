package dev.fanout.kafka;

import dev.fanout.event.Origin;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Every {@code fanout.*} record header Fanout writes, in one place. Values are UTF-8 strings;
 * instants are RFC 3339. Headers that do not apply to a record are left out rather than written
 * empty.
 *
 * <p>Retry tier and dead-letter records carry the source record's key, value and own headers (a
 * {@code traceparent}, a schema id) unchanged, followed by these.
 */
public final class FanoutHeaders {
  /** Prefix of every header Fanout writes; source headers with it are not copied. */
  public static final String PREFIX = "fanout.";

  // The task: retry tier and dead-letter records.
  public static final String WEBHOOK_ID = "fanout.webhook.id";
  public static final String DELIVERY_ID = "fanout.delivery.id";
  public static final String ATTEMPTS = "fanout.attempts";
  public static final String FIRST_ATTEMPT_AT = "fanout.first.attempt.at";
  public static final String LAST_ATTEMPT_AT = "fanout.last.attempt.at";

  /** Times the delivery was replayed from the dead-letter topic or resent from the log. */
  public static final String REPLAYS = "fanout.replays";

  public static final String SOURCE_TOPIC = "fanout.source.topic";
  public static final String SOURCE_PARTITION = "fanout.source.partition";
  public static final String SOURCE_OFFSET = "fanout.source.offset";

  /** The source record's timestamp: tier and dead-letter records are stamped when written. */
  public static final String SOURCE_TIMESTAMP = "fanout.source.timestamp";

  // Retry tier records only.
  public static final String HOLDS = "fanout.holds";
  public static final String FIRST_HELD_AT = "fanout.first.held.at";
  public static final String DUE_AT = "fanout.due.at";

  // Dead-letter records only.
  /** One of {@link dev.fanout.deadletter.Reasons}. */
  public static final String REASON = "fanout.reason";

  public static final String EVENT_ID = "fanout.event.id";
  public static final String EVENT_TYPE = "fanout.event.type";
  public static final String HTTP_STATUS = "fanout.http.status";

  /** A short message, at most 1 KiB, never a secret. */
  public static final String ERROR = "fanout.error";

  /** {@code true} when the value was too large to write and was left out. */
  public static final String VALUE_OMITTED = "fanout.value.omitted";

  /** The length of the value left out. */
  public static final String VALUE_BYTES = "fanout.value.bytes";

  // Config topic records.
  /** The worker that wrote a config record (a 410 disable), so it knows its own writes. */
  public static final String WRITER = "fanout.writer";

  private FanoutHeaders() {}

  /** Whether a header is one of Fanout's own, as opposed to the source record's. */
  public static boolean isOwn(String name) {
    return name.startsWith(PREFIX);
  }

  /** The headers of a record that are not Fanout's own, in their order. */
  public static List<Origin.Header> sourceHeaders(Headers headers) {
    List<Origin.Header> source = null;
    for (Header header : headers) {
      if (!isOwn(header.key())) {
        if (source == null) {
          source = new ArrayList<>(4);
        }
        source.add(new Origin.Header(header.key(), header.value()));
      }
    }
    return source == null ? List.of() : source;
  }

  /** Adds the source record's headers, as they came, to a record being written. */
  public static void addSourceHeaders(Origin origin, Headers headers) {
    for (Origin.Header header : origin.headers()) {
      headers.add(header.key(), header.value());
    }
  }
}
