package dev.fanout.delivery;

import java.net.URI;
import java.util.Locale;

/** The identity of an endpoint for breakers and limits: scheme, host and port. */
public final class Endpoints {
  private Endpoints() {}

  public static String key(URI url) {
    String scheme = url.getScheme().toLowerCase(Locale.ROOT);
    int port = url.getPort() > 0 ? url.getPort() : scheme.equals("https") ? 443 : 80;
    return scheme + "://" + url.getHost().toLowerCase(Locale.ROOT) + ":" + port;
  }
}
