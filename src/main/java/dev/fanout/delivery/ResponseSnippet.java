package dev.fanout.delivery;

import dev.fanout.config.FanoutConfig;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The start of an endpoint's response body, as delivery history keeps it: at most {@value
 * #MAX_BYTES} bytes of the body, decoded as UTF-8 (malformed bytes become U+FFFD). The text is the
 * endpoint's, unescaped: whoever prints it to a terminal escapes it first.
 *
 * @param contentType the response's {@code Content-Type} as sent, cut to {@value
 *     #MAX_CONTENT_TYPE_CHARS} characters; null when absent
 * @param truncated whether the body went on past what is kept (or was cut off)
 */
public record ResponseSnippet(String contentType, String text, boolean truncated) {
  /** Most body bytes a snippet may keep ({@code history.response-snippet-bytes} at most). */
  public static final int MAX_BYTES = FanoutConfig.History.MAX_RESPONSE_SNIPPET_BYTES;

  /** Longest content type kept: it is the endpoint's text, and a header may be long. */
  public static final int MAX_CONTENT_TYPE_CHARS = 128;

  public ResponseSnippet {
    Objects.requireNonNull(text, "text");
    if (contentType != null && contentType.length() > MAX_CONTENT_TYPE_CHARS) {
      contentType = contentType.substring(0, MAX_CONTENT_TYPE_CHARS);
    }
  }

  /**
   * Decodes the first {@code length} bytes of a body. When the body went on, a UTF-8 sequence that
   * the cap split is left out rather than shown as U+FFFD: the endpoint sent it whole.
   */
  public static ResponseSnippet decode(
      String contentType, byte[] bytes, int length, boolean truncated) {
    int end = truncated ? completeSequences(bytes, length) : length;
    return new ResponseSnippet(
        contentType, new String(bytes, 0, end, StandardCharsets.UTF_8), truncated);
  }

  /** Where the last whole UTF-8 sequence in {@code bytes[0, length)} ends. */
  static int completeSequences(byte[] bytes, int length) {
    // A sequence is at most 4 bytes: look back at most 3 for the lead byte of the last one.
    for (int i = length - 1; i >= 0 && i >= length - 4; i--) {
      int b = bytes[i] & 0xFF;
      if (b < 0x80) {
        return length; // ASCII: nothing split
      }
      if (b >= 0xC0) {
        int needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
        return length - i < needed ? i : length;
      }
      // a continuation byte: keep looking for its lead
    }
    return length;
  }
}
