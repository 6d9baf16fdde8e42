package dev.fanout.subscription;

import java.util.regex.Pattern;

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
  private static final Pattern NUMERIC_LABEL = Pattern.compile("[0-9]+|0[xX][0-9a-fA-F]*");
  private static final Pattern PART = Pattern.compile("0|[1-9][0-9]{0,2}");

  private NumericHosts() {}

  /** Whether {@code host} is numeric, as the WHATWG rules see it, but not a plain a.b.c.d. */
  public static boolean ambiguous(String host) {
    if (host.startsWith("[")) {
      return false; // an IPv6 literal reads one way only
    }
    String last = host.substring(host.lastIndexOf('.') + 1);
    return NUMERIC_LABEL.matcher(last).matches() && !plainDottedQuad(host);
  }

  private static boolean plainDottedQuad(String host) {
    String[] parts = host.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String part : parts) {
      if (!PART.matcher(part).matches() || Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }
}
