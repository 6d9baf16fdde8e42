package dev.fanout.delivery.http;

import dev.fanout.delivery.ResponseSnippet;
import java.nio.ByteBuffer;

/**
 * The first bytes of one response body, up to a fixed cap; past the cap, bytes are only noted, not
 * kept. Memory: one array of the cap's size, made at the body's first byte, whatever the body's
 * length. Made only when snippets are on, so a sender without them pays nothing. Thread-safe (the
 * I/O thread fills it; a failure may be reported on another).
 */
final class SnippetBuffer {
  private final int cap;
  private final String contentType;
  private byte[] bytes;
  private int length;
  private boolean more;

  /**
   * @param cap bytes kept at most, 1 to {@link ResponseSnippet#MAX_BYTES}
   * @param contentType the response's {@code Content-Type}, or null
   */
  SnippetBuffer(int cap, String contentType) {
    if (cap < 1 || cap > ResponseSnippet.MAX_BYTES) {
      throw new IllegalArgumentException(
          "snippet cap must be 1 to " + ResponseSnippet.MAX_BYTES + " bytes, not " + cap);
    }
    this.cap = cap;
    this.contentType = contentType;
  }

  /** Keeps what fits of {@code src}, from its position to its limit; does not move it. */
  synchronized void keep(ByteBuffer src) {
    int available = src.remaining();
    if (available == 0) {
      return;
    }
    int n = Math.min(available, cap - length);
    if (n > 0) {
      if (bytes == null) {
        bytes = new byte[cap];
      }
      src.get(src.position(), bytes, length, n);
      length += n;
    }
    if (n < available) {
      more = true;
    }
  }

  /**
   * What was kept; null when the body had no bytes.
   *
   * @param ended whether the body was read to its end (if not, the snippet counts as cut)
   */
  synchronized ResponseSnippet snippet(boolean ended) {
    if (length == 0) {
      return null;
    }
    return ResponseSnippet.decode(contentType, bytes, length, more || !ended);
  }

  /** Bytes held: 0 before the body's first byte, then the cap (for tests). */
  synchronized int capacity() {
    return bytes == null ? 0 : bytes.length;
  }
}
