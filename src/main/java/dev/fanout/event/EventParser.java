package dev.fanout.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.fanout.deadletter.Reasons;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Validates an event envelope and extracts the fields Fanout routes on, in one streaming pass over
 * the bytes (no tree is built). Thread-safe.
 *
 * <p>Valid means: a JSON object with non-empty string {@code id}, {@code type} and {@code
 * space_id}, no longer than the configured maximum body size. Anything else is a {@link Rejected}
 * with the dead-letter reason and a short message.
 */
public final class EventParser {
  private static final JsonFactory JSON = new JsonFactory();

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
    } catch (IOException e) {
      return new Rejected(Reasons.INVALID_EVENT, "event is not valid JSON");
    }
    String missing = missing(id, "id", type, "type", spaceId, "space_id");
    if (missing != null) {
      return new Rejected(Reasons.INVALID_EVENT, "event needs a non-empty string " + missing);
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
