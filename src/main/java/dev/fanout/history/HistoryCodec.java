package dev.fanout.history;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.fanout.delivery.ResponseSnippet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The JSON form of a {@link HistoryRecord} on the attempts topic, one object per record:
 *
 * <pre>
 * {"kind":"attempt","delivery_id":"dlv_…","webhook_id":"wh_…","event_id":"evt_1",
 *  "event_type":"job.failed","attempt":2,"replays":0,"outcome":"retry","status":500,
 *  "error":"http_status","message":"endpoint answered HTTP 500","latency_ms":12,
 *  "at":"2026-11-29T12:00:00.123Z","response_content_type":"text/plain",
 *  "response_snippet":"upstream timed out","response_truncated":true}
 * </pre>
 *
 * {@code error} and {@code message} are left out when there are none; the {@code response_*} fields
 * when no snippet was kept, and {@code response_content_type} and {@code response_truncated} also
 * when there is no content type and the body was not cut. Read with Jackson's streaming API, so no
 * tree is built per record. Thread-safe.
 */
public final class HistoryCodec {
  private static final JsonFactory JSON = new JsonFactory();

  private HistoryCodec() {}

  /**
   * The record's JSON bytes. Written by hand rather than through a Jackson generator: the history
   * thread encodes one record per delivery attempt, and a generator per record costs more than the
   * record's text.
   */
  public static byte[] encode(HistoryRecord r) {
    StringBuilder json = new StringBuilder(320);
    json.append("{\"kind\":");
    string(json, r.kind());
    json.append(",\"delivery_id\":");
    string(json, r.deliveryId());
    json.append(",\"webhook_id\":");
    string(json, r.webhookId());
    json.append(",\"event_id\":");
    string(json, r.eventId());
    json.append(",\"event_type\":");
    string(json, r.eventType());
    json.append(",\"attempt\":").append(r.attempt());
    json.append(",\"replays\":").append(r.replays());
    json.append(",\"outcome\":");
    string(json, r.outcome());
    json.append(",\"status\":").append(r.status());
    if (r.error() != null) {
      json.append(",\"error\":");
      string(json, r.error());
    }
    if (r.message() != null) {
      json.append(",\"message\":");
      string(json, r.message());
    }
    json.append(",\"latency_ms\":").append(r.latencyMillis());
    json.append(",\"at\":\"");
    instant(json, r.at());
    json.append('"');
    ResponseSnippet response = r.response();
    if (response != null) {
      if (response.contentType() != null) {
        json.append(",\"response_content_type\":");
        string(json, response.contentType());
      }
      json.append(",\"response_snippet\":");
      string(json, response.text());
      if (response.truncated()) {
        json.append(",\"response_truncated\":true");
      }
    }
    json.append('}');
    return json.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A JSON string, escaped as RFC 8259 requires; null as {@code null}. */
  private static void string(StringBuilder json, String value) {
    if (value == null) {
      json.append("null");
      return;
    }
    json.append('"');
    if (plain(value)) {
      json.append(value); // the usual case (ids, types, outcomes): copied whole
    } else {
      escaped(json, value);
    }
    json.append('"');
  }

  private static boolean plain(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private static void escaped(StringBuilder json, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          if (c < 0x20) {
            // A control character as a six-character escape, without a format string per
            // character (a binary response snippet may hold hundreds).
            json.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
          } else {
            json.append(c);
          }
        }
      }
    }
  }

  /** The date and time up to the seconds of the last second written, without the zone. */
  private record SecondPrefix(long epochSecond, String text) {}

  private static volatile SecondPrefix lastSecond = new SecondPrefix(Long.MIN_VALUE, "");

  /**
   * Appends what {@link Instant#toString} returns, without formatting the date and time anew for
   * every record: the history thread writes thousands of records a second, nearly all within the
   * same second as the one before.
   */
  static void instant(StringBuilder json, Instant at) {
    long second = at.getEpochSecond();
    SecondPrefix prefix = lastSecond;
    if (prefix.epochSecond() != second) {
      String whole = Instant.ofEpochSecond(second).toString(); // always ends "...:ssZ"
      prefix = new SecondPrefix(second, whole.substring(0, whole.length() - 1));
      lastSecond = prefix;
    }
    json.append(prefix.text());
    int nano = at.getNano();
    if (nano != 0) {
      json.append('.');
      if (nano % 1_000_000 == 0) {
        digits(json, nano / 1_000_000, 3);
      } else if (nano % 1_000 == 0) {
        digits(json, nano / 1_000, 6);
      } else {
        digits(json, nano, 9);
      }
    }
    json.append('Z');
  }

  private static void digits(StringBuilder json, int value, int width) {
    String text = Integer.toString(value);
    for (int i = text.length(); i < width; i++) {
      json.append('0');
    }
    json.append(text);
  }

  /** Writes one record as a JSON object (also used by the CLI's {@code --output json}). */
  public static void write(JsonGenerator g, HistoryRecord r) throws IOException {
    g.writeStartObject();
    g.writeStringField("kind", r.kind());
    g.writeStringField("delivery_id", r.deliveryId());
    g.writeStringField("webhook_id", r.webhookId());
    g.writeStringField("event_id", r.eventId());
    g.writeStringField("event_type", r.eventType());
    g.writeNumberField("attempt", r.attempt());
    g.writeNumberField("replays", r.replays());
    g.writeStringField("outcome", r.outcome());
    g.writeNumberField("status", r.status());
    if (r.error() != null) {
      g.writeStringField("error", r.error());
    }
    if (r.message() != null) {
      g.writeStringField("message", r.message());
    }
    g.writeNumberField("latency_ms", r.latencyMillis());
    g.writeStringField("at", r.at().toString());
    ResponseSnippet response = r.response();
    if (response != null) {
      if (response.contentType() != null) {
        g.writeStringField("response_content_type", response.contentType());
      }
      g.writeStringField("response_snippet", response.text());
      if (response.truncated()) {
        g.writeBooleanField("response_truncated", true);
      }
    }
    g.writeEndObject();
  }

  /**
   * @throws IllegalArgumentException when the bytes are not a history record
   */
  public static HistoryRecord decode(byte[] json) {
    String kind = null;
    String deliveryId = null;
    String webhookId = null;
    String eventId = null;
    String eventType = null;
    int attempt = 0;
    int replays = 0;
    String outcome = null;
    int status = 0;
    String error = null;
    String message = null;
    long latency = 0;
    Instant at = null;
    String contentType = null;
    String snippet = null;
    boolean truncated = false;
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "kind" -> kind = p.getValueAsString();
          case "delivery_id" -> deliveryId = p.getValueAsString();
          case "webhook_id" -> webhookId = p.getValueAsString();
          case "event_id" -> eventId = p.getValueAsString();
          case "event_type" -> eventType = p.getValueAsString();
          case "attempt" -> attempt = p.getValueAsInt();
          case "replays" -> replays = p.getValueAsInt();
          case "outcome" -> outcome = p.getValueAsString();
          case "status" -> status = p.getValueAsInt();
          case "error" -> error = p.getValueAsString();
          case "message" -> message = p.getValueAsString();
          case "latency_ms" -> latency = p.getValueAsLong();
          case "at" -> at = Instant.parse(p.getValueAsString());
          case "response_content_type" -> contentType = p.getValueAsString();
          case "response_snippet" -> snippet = p.getValueAsString();
          case "response_truncated" -> truncated = p.getValueAsBoolean();
          default -> {
            if (value.isStructStart()) {
              p.skipChildren(); // a field a later version added
            }
          }
        }
      }
    } catch (IOException | DateTimeParseException e) {
      throw new IllegalArgumentException("not a history record: " + e.getMessage(), e);
    }
    if (kind == null || deliveryId == null || outcome == null || at == null) {
      throw new IllegalArgumentException("not a history record: a required field is missing");
    }
    return new HistoryRecord(
        kind,
        deliveryId,
        webhookId,
        eventId,
        eventType,
        attempt,
        replays,
        outcome,
        status,
        error,
        message,
        latency,
        at,
        snippet == null ? null : new ResponseSnippet(contentType, snippet, truncated));
  }
}
