package dev.fanout.subscription;

/**
 * Hosts that read as an IPv4 address in more than one way. A URL parser that follows the WHATWG URL
 * standard (curl, browsers, most proxies) takes a host whose last label is a number as an IPv4
 * address, in decimal, octal ({@code 0177.0.0.1}) or hex ({@code 0x7f000001}), with one to four
 * parts ({@code 2130706433}); Java takes only four decimal parts and looks the rest up as names. A
 * guard and a proxy that read such a host differently check one address and connect to another, so
 * only the one spelling everyone reads alike is accepted: four decimal parts, without leading
 * zeros.
 */
public final class NumericHosts {
  private NumericHosts() {}

  /**
   * Whether {@code host} is numeric, as the WHATWG rules see it, but not a plain a.b.c.d. Read
   * character by character, without a regular expression: the sender asks this of every request.
   */
  public static boolean ambiguous(String host) {
    if (host.startsWith("[")) {
      return false; // an IPv6 literal reads one way only
    }
    return numericLabel(host, host.lastIndexOf('.') + 1) && !plainDottedQuad(host);
  }

  /** Whether the label from {@code from} to the end is decimal digits, or 0x and hex digits. */
  private static boolean numericLabel(String host, int from) {
    int end = host.length();
    if (from == end) {
      return false;
    }
    if (end - from >= 2 && host.charAt(from) == '0' && (host.charAt(from + 1) | 0x20) == 'x') {
      for (int i = from + 2; i < end; i++) {
        if (Character.digit(host.charAt(i), 16) < 0 || host.charAt(i) > 'f') {
          return false;
        }
      }
      return true;
    }
    for (int i = from; i < end; i++) {
      if (host.charAt(i) < '0' || host.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** Four decimal parts of 0 to 255, separated by dots, none with a leading zero. */
  private static boolean plainDottedQuad(String host) {
    int i = 0;
    int end = host.length();
    for (int part = 0; part < 4; part++) {
      int start = i;
      int value = 0;
      while (i < end && host.charAt(i) >= '0' && host.charAt(i) <= '9' && i - start < 3) {
        value = value * 10 + (host.charAt(i) - '0');
        i++;
      }
      int digits = i - start;
      if (digits == 0 || (digits > 1 && host.charAt(start) == '0') || value > 255) {
        return false;
      }
      if (part < 3) {
        if (i == end || host.charAt(i) != '.') {
          return false;
        }
        i++;
      }
    }
    return i == end;
  }
}
