package dev.fanout.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import dev.fanout.deadletter.Reasons;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * Validates an event envelope and extracts the fields Fanout routes on, in one streaming pass over
 * the bytes (no tree is built). Thread-safe.
 *
 * <p>Valid means: a JSON object without duplicate keys, no longer than the configured maximum body
 * size, with string {@code id} and {@code space_id} of 1 to {@value #MAX_ID_LENGTH} printable ASCII
 * characters and a {@code type} of 1 to {@value #MAX_TYPE_LENGTH} letters, digits and {@code . _ :
 * / -}. These values go into request headers and logs, so nothing else is let through. Anything
 * else is a {@link Rejected} with the dead-letter reason and a short message.
 */
public final class EventParser {
  // A key given twice is refused: Fanout would route on one, a receiver might read the other.
  private static final JsonFactory JSON =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /** The most characters of an {@code id} or {@code space_id}. */
  public static final int MAX_ID_LENGTH = 256;

  /** The most characters of a {@code type}. */
  public static final int MAX_TYPE_LENGTH = 128;

  // Printable ASCII without spaces: safe in an HTTP/1.1 or HTTP/2 header value, a log line, a
  // Kafka header.
  private static final Pattern ID = Pattern.compile("[\\x21-\\x7E]{1," + MAX_ID_LENGTH + "}");
  // Letters, digits and . _ : / - (job.failed, orchestration.run.finished): also no * or space,
  // which event patterns give a meaning.
  private static final Pattern TYPE =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0," + (MAX_TYPE_LENGTH - 1) + "}");

  private final int maxBodyBytes;

  public EventParser(int maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
  }

  public sealed interface Result permits Parsed, Rejected {}

  public record Parsed(Event event) implements Result {}

  /** {@code reason} is {@code invalid_event} or {@code payload_too_large}. */
  public record Rejected(String reason, String message) implements Result {}

  public Result parse(byte[] value) {
    if (value == null || value.length == 0) {
      return new Rejected(Reasons.INVALID_EVENT, "empty record value");
    }
    if (value.length > maxBodyBytes) {
      return new Rejected(
          Reasons.PAYLOAD_TOO_LARGE,
          "event is " + value.length + " bytes, more than the " + maxBodyBytes + " allowed");
    }
    String id = null;
    String type = null;
    String spaceId = null;
    String occurredAt = null;
    try (JsonParser p = JSON.createParser(value)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return new Rejected(Reasons.INVALID_EVENT, "event is not a JSON object");
      }
      JsonToken token;
      while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken valueToken = p.nextToken();
        String text = valueToken == JsonToken.VALUE_STRING ? p.getText() : null;
        switch (field) {
          case "id" -> id = text;
          case "type" -> type = text;
          case "space_id" -> spaceId = text;
          case "occurred_at" -> occurredAt = text;
          default -> p.skipChildren();
        }
      }
      if (token != JsonToken.END_OBJECT || p.nextToken() != null) {
        return new Rejected(Reasons.INVALID_EVENT, "event is not a single JSON object");
      }
    } catch (StreamReadException e) {
      return new Rejected(
          Reasons.INVALID_EVENT,
          e.getMessage() != null && e.getMessage().startsWith("Duplicate field")
              ? "event has a duplicate key"
              : "event is not valid JSON");
    } catch (IOException e) {
      return new Rejected(Reasons.INVALID_EVENT, "event is not valid JSON");
    }
    String missing = missing(id, "id", type, "type", spaceId, "space_id");
    if (missing != null) {
      return new Rejected(Reasons.INVALID_EVENT, "event needs a non-empty string " + missing);
    }
    if (!ID.matcher(id).matches()) {
      return new Rejected(
          Reasons.INVALID_EVENT,
          "event id must be 1 to " + MAX_ID_LENGTH + " printable ASCII characters");
    }
    if (!ID.matcher(spaceId).matches()) {
      return new Rejected(
          Reasons.INVALID_EVENT,
          "event space_id must be 1 to " + MAX_ID_LENGTH + " printable ASCII characters");
    }
    if (!TYPE.matcher(type).matches()) {
      return new Rejected(
          Reasons.INVALID_EVENT,
          "event type must be 1 to "
              + MAX_TYPE_LENGTH
              + " letters, digits and . _ : / - (starting with a letter or digit)");
    }
    return new Parsed(new Event(id, type, spaceId, instant(occurredAt), value));
  }

  private static String missing(String... valueAndName) {
    for (int i = 0; i < valueAndName.length; i += 2) {
      if (valueAndName[i] == null || valueAndName[i].isEmpty()) {
        return valueAndName[i + 1];
      }
    }
    return null;
  }

  private static Instant instant(String text) {
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
