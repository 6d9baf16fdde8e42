package dev.fanout.config;

/** A {@code host:port} pair, as given for {@code delivery.proxy}. */
public record HostPort(String host, int port) {
  public static HostPort parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("'" + text + "' is not host:port");
    }
    try {
      int port = Integer.parseInt(text.substring(colon + 1));
      if (port < 1 || port > 65_535) {
        throw new IllegalArgumentException("'" + text + "' has a port outside 1..65535");
      }
      return new HostPort(text.substring(0, colon), port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not host:port");
    }
  }
}
