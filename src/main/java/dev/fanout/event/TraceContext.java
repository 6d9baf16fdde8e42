package dev.fanout.event;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The W3C trace context (<a href="https://www.w3.org/TR/trace-context/">Trace Context</a>) a
 * producer put on an event record as {@code traceparent} and {@code tracestate} headers. Fanout
 * sends it on with every request of the event's deliveries, so a subscriber's trace joins the
 * producer's, and logs its trace id with each attempt.
 *
 * <p>Only a well-formed {@code traceparent} is kept: {@code version-traceid-parentid-flags}, lower
 * case hex of 2, 32, 16 and 2 digits, an all-zero trace or parent id refused, version {@code ff}
 * refused, and a version above {@code 00} accepted only as its first four fields followed by
 * nothing or {@code -}. Anything else (upper case, wrong lengths, two {@code traceparent} headers,
 * non-ASCII bytes) is dropped, and its {@code tracestate} with it, as the specification says. A
 * {@code tracestate} is kept when it is printable ASCII of at most 512 characters and 32 members.
 */
public record TraceContext(String traceparent, String tracestate) {
  public static final String TRACEPARENT = "traceparent";
  public static final String TRACESTATE = "tracestate";
  private static final int MAX_TRACESTATE_CHARS = 512;
  private static final int MAX_TRACESTATE_MEMBERS = 32;

  /** The trace context of a record's headers, or null when it carries no valid one. */
  public static TraceContext from(List<Origin.Header> headers) {
    String parent = null;
    String state = null;
    int parents = 0;
    for (Origin.Header header : headers) {
      if (header.key().equalsIgnoreCase(TRACEPARENT)) {
        parents++;
        parent = ascii(header.value());
      } else if (header.key().equalsIgnoreCase(TRACESTATE)) {
        state = state == null ? ascii(header.value()) : null; // two are ambiguous: drop
      }
    }
    if (parents != 1 || !validTraceparent(parent)) {
      return null;
    }
    return new TraceContext(parent, validTracestate(state) ? state : null);
  }

  /** The 32 hex digits of the trace id. */
  public String traceId() {
    return traceparent.substring(3, 35);
  }

  static boolean validTraceparent(String value) {
    if (value == null || value.length() < 55) {
      return false;
    }
    String version = value.substring(0, 2);
    if (!hex(value, 0, 2) || version.equals("ff")) {
      return false;
    }
    if (version.equals("00")
        ? value.length() != 55
        : value.length() > 55 && value.charAt(55) != '-') {
      return false;
    }
    return value.charAt(2) == '-'
        && hex(value, 3, 35)
        && !zeros(value, 3, 35)
        && value.charAt(35) == '-'
        && hex(value, 36, 52)
        && !zeros(value, 36, 52)
        && value.charAt(52) == '-'
        && hex(value, 53, 55);
  }

  static boolean validTracestate(String value) {
    if (value == null || value.isBlank() || value.length() > MAX_TRACESTATE_CHARS) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return false;
      }
    }
    return value.split(",", -1).length <= MAX_TRACESTATE_MEMBERS;
  }

  private static String ascii(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    for (byte b : bytes) {
      if (b < 0x20 || b > 0x7e) {
        return null;
      }
    }
    return new String(bytes, StandardCharsets.US_ASCII);
  }

  private static boolean hex(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static boolean zeros(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) != '0') {
        return false;
      }
    }
    return true;
  }
}
