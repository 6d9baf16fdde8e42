package dev.fanout.signing;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a key list from the environment: {@code id1:<base64 32 bytes>,id2:...}, first key first.
 * Problems name an entry by its position only: a mistyped entry (key and id swapped, say) must not
 * put key material into an error message.
 */
final class KeyRing {
  static final int KEY_BYTES = 32;

  private KeyRing() {}

  /**
   * @return key id to key bytes, in the order given; empty for a blank spec
   * @throws IllegalArgumentException naming {@code variable} and listing every malformed entry
   */
  static Map<String, byte[]> parse(String variable, String spec) {
    Map<String, byte[]> keys = new LinkedHashMap<>();
    if (spec == null || spec.isBlank()) {
      return keys;
    }
    List<String> problems = new ArrayList<>();
    String[] entries = spec.split(",");
    for (int i = 0; i < entries.length; i++) {
      String trimmed = entries[i].trim();
      String entry = "entry " + (i + 1);
      int colon = trimmed.indexOf(':');
      if (colon <= 0) {
        problems.add(entry + " is not <key id>:<base64 key>");
        continue;
      }
      String id = trimmed.substring(0, colon);
      try {
        byte[] key = Base64.getDecoder().decode(trimmed.substring(colon + 1));
        if (key.length != KEY_BYTES) {
          problems.add(entry + " has a key of " + key.length + " bytes, not " + KEY_BYTES);
          continue;
        }
        if (keys.putIfAbsent(id, key) != null) {
          problems.add(entry + " repeats a key id");
        }
      } catch (IllegalArgumentException e) {
        problems.add(entry + " has a key that is not base64");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(variable + ": " + String.join("; ", problems));
    }
    return keys;
  }
}
