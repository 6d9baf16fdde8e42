package dev.fanout.bench;

/**
 * What a receiver does with a request path: {@code /hook/3} is webhook 3, healthy; {@code /hole/8}
 * webhook 8, black-holed; {@code /fail/9} webhook 9, failing. Anything else is no route.
 */
record Route(Behaviour behaviour, int webhook) {
  static String path(Behaviour behaviour, int webhook) {
    return "/" + behaviour.segment() + "/" + webhook;
  }

  /** The route of a request URI (a query is ignored); null when the path names none. */
  static Route parse(String uri) {
    int query = uri.indexOf('?');
    String path = query < 0 ? uri : uri.substring(0, query);
    int slash = path.indexOf('/', 1);
    if (!path.startsWith("/") || slash < 0) {
      return null;
    }
    String segment = path.substring(1, slash);
    int webhook = webhook(path.substring(slash + 1));
    if (webhook < 0) {
      return null;
    }
    for (Behaviour behaviour : Behaviour.values()) {
      if (behaviour.segment().equals(segment)) {
        return new Route(behaviour, webhook);
      }
    }
    return null;
  }

  /** A webhook number of at most 9 digits, or -1. */
  private static int webhook(String digits) {
    if (digits.isEmpty() || digits.length() > 9) {
      return -1;
    }
    for (int i = 0; i < digits.length(); i++) {
      if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
        return -1;
      }
    }
    return Integer.parseInt(digits);
  }
}
