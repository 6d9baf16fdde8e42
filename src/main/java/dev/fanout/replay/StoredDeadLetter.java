package dev.fanout.replay;

import dev.fanout.event.EventParser;
import dev.fanout.event.Origin;
import dev.fanout.kafka.FanoutHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * A dead-letter record as read back from the dead-letter topic: where it is, when it was
 * dead-lettered, and its {@code fanout.*} context decoded. Headers a record lacks are null (an
 * {@code invalid_event} has no webhook); a header that cannot be read is treated as absent, so one
 * odd record never stops a scan.
 *
 * @param space the event's {@code space_id}, or {@link #UNKNOWN} when the value cannot be read
 */
public record StoredDeadLetter(
    int partition,
    long offset,
    Instant timestamp,
    String reason,
    String webhookId,
    String deliveryId,
    String eventId,
    String eventType,
    String space,
    Integer httpStatus,
    String error,
    Integer attempts,
    int replays,
    boolean valueOmitted,
    Origin origin,
    ConsumerRecord<byte[], byte[]> record) {

  public static final String UNKNOWN = "(unknown)";

  // Dead letters are never larger than what the worker accepted; any size reads here.
  private static final EventParser PARSER = new EventParser(Integer.MAX_VALUE);

  public static StoredDeadLetter of(ConsumerRecord<byte[], byte[]> record) {
    EventParser.Result parsed = PARSER.parse(record.value());
    String space =
        parsed instanceof EventParser.Parsed p ? p.event().spaceId() : spaceOf(record.value());
    String eventType = header(record, FanoutHeaders.EVENT_TYPE);
    if (eventType == null && parsed instanceof EventParser.Parsed p) {
      eventType = p.event().type();
    }
    String eventId = header(record, FanoutHeaders.EVENT_ID);
    if (eventId == null && parsed instanceof EventParser.Parsed p) {
      eventId = p.event().id();
    }
    Integer replays = integer(record, FanoutHeaders.REPLAYS);
    return new StoredDeadLetter(
        record.partition(),
        record.offset(),
        Instant.ofEpochMilli(record.timestamp()),
        header(record, FanoutHeaders.REASON),
        header(record, FanoutHeaders.WEBHOOK_ID),
        header(record, FanoutHeaders.DELIVERY_ID),
        eventId,
        eventType,
        space,
        integer(record, FanoutHeaders.HTTP_STATUS),
        header(record, FanoutHeaders.ERROR),
        integer(record, FanoutHeaders.ATTEMPTS),
        replays == null ? 0 : replays,
        "true".equals(header(record, FanoutHeaders.VALUE_OMITTED)),
        origin(record),
        record);
  }

  /** A dead letter of one (event, webhook) delivery, as opposed to an unusable event. */
  public boolean isDelivery() {
    return webhookId != null && !webhookId.isEmpty();
  }

  /** Every header, decoded as UTF-8, the last of each name winning (as Fanout reads them). */
  public Map<String, String> headers() {
    Map<String, String> headers = new LinkedHashMap<>();
    for (Header h : record.headers()) {
      headers.put(
          h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
    }
    return headers;
  }

  /**
   * Where the event was first consumed, from {@code fanout.source.*}; null when those headers are
   * missing or unreadable. The source record's own headers are the dead letter's non-fanout ones.
   */
  private static Origin origin(ConsumerRecord<byte[], byte[]> record) {
    String topic = header(record, FanoutHeaders.SOURCE_TOPIC);
    Integer partition = integer(record, FanoutHeaders.SOURCE_PARTITION);
    String offset = header(record, FanoutHeaders.SOURCE_OFFSET);
    String timestamp = header(record, FanoutHeaders.SOURCE_TIMESTAMP);
    if (topic == null || partition == null || offset == null) {
      return null;
    }
    try {
      return new Origin(
          topic,
          partition,
          Long.parseLong(offset),
          record.key(),
          timestamp == null ? Instant.ofEpochMilli(record.timestamp()) : Instant.parse(timestamp),
          FanoutHeaders.sourceHeaders(record.headers()));
    } catch (NumberFormatException | DateTimeParseException e) {
      return null;
    }
  }

  private static String spaceOf(byte[] value) {
    if (value == null) {
      return UNKNOWN;
    }
    String space = SpaceReader.spaceId(value);
    return space == null ? UNKNOWN : space;
  }

  static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static Integer integer(ConsumerRecord<byte[], byte[]> record, String name) {
    String text = header(record, name);
    if (text == null) {
      return null;
    }
    try {
      return Integer.valueOf(text.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
