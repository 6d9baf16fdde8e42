package dev.fanout.replay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Finds the top-level {@code space_id} of a value that is not a complete event (no id or type,
 * say), in one streaming pass; null when there is none or the value is not a JSON object.
 */
final class SpaceReader {
  private static final JsonFactory JSON = new JsonFactory();

  private SpaceReader() {}

  static String spaceId(byte[] value) {
    try (JsonParser p = JSON.createParser(value)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken token = p.nextToken();
        if (field.equals("space_id") && token == JsonToken.VALUE_STRING && !p.getText().isEmpty()) {
          return p.getText();
        }
        p.skipChildren();
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }
}
