package dev.fanout.app;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.fanout.text.SafeText;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import org.slf4j.event.KeyValuePair;

/**
 * One compact JSON object per log line:
 *
 * <pre>
 * {"timestamp":1795994830080,"level":"INFO","threadName":"fanout-engine","loggerName":"dev.fanout.attempts",
 *  "formattedMessage":"...","event_id":"evt_1","attempt":1,...}
 * </pre>
 *
 * {@code timestamp} is Unix milliseconds. The event's key-value pairs ({@code
 * log.atInfo().addKeyValue(..)}) become top-level fields, numbers as numbers; a key that would
 * overwrite one of the fixed fields gets a {@code kv_} prefix. {@code mdc} appears only when the
 * MDC holds something, {@code throwable} ({@code className}, {@code message}, {@code stackTrace} as
 * one string) only with an exception. Besides what JSON itself escapes, DEL, the C1 controls and
 * the bidirectional controls of {@link SafeText} are written as {@code \}{@code uXXXX}: JSON lets
 * them through raw, and a terminal showing the log would act on them. Thread-safe: a new generator
 * per event.
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {
  private static final JsonFactory JSON = new JsonFactory();
  private static final byte[] NEWLINE = {'\n'};
  private static final Set<String> FIXED =
      Set.of(
          "timestamp", "level", "threadName", "loggerName", "formattedMessage", "mdc", "throwable");

  @Override
  public byte[] headerBytes() {
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.setCharacterEscapes(SafeText.JSON_ESCAPES);
      json.writeStartObject();
      json.writeNumberField("timestamp", event.getTimeStamp());
      json.writeStringField("level", event.getLevel().toString());
      json.writeStringField("threadName", event.getThreadName());
      json.writeStringField("loggerName", event.getLoggerName());
      json.writeStringField("formattedMessage", event.getFormattedMessage());
      if (event.getKeyValuePairs() != null) {
        for (KeyValuePair pair : event.getKeyValuePairs()) {
          String key = FIXED.contains(pair.key) ? "kv_" + pair.key : pair.key;
          writeValue(json, key, pair.value);
        }
      }
      Map<String, String> mdc = event.getMDCPropertyMap();
      if (mdc != null && !mdc.isEmpty()) {
        json.writeObjectFieldStart("mdc");
        for (Map.Entry<String, String> entry : mdc.entrySet()) {
          json.writeStringField(entry.getKey(), entry.getValue());
        }
        json.writeEndObject();
      }
      if (event.getThrowableProxy() != null) {
        json.writeObjectFieldStart("throwable");
        json.writeStringField("className", event.getThrowableProxy().getClassName());
        json.writeStringField("message", event.getThrowableProxy().getMessage());
        json.writeStringField("stackTrace", ThrowableProxyUtil.asString(event.getThrowableProxy()));
        json.writeEndObject();
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    out.writeBytes(NEWLINE);
    return out.toByteArray();
  }

  private static void writeValue(JsonGenerator json, String key, Object value) throws IOException {
    if (value == null) {
      json.writeNullField(key);
    } else if (value instanceof Integer || value instanceof Long) {
      json.writeNumberField(key, ((Number) value).longValue());
    } else if (value instanceof Boolean b) {
      json.writeBooleanField(key, b);
    } else {
      json.writeStringField(key, value.toString());
    }
  }

  @Override
  public byte[] footerBytes() {
    return null;
  }
}
