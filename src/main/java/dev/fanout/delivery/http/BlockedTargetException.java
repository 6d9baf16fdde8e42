package dev.fanout.delivery.http;

import java.net.UnknownHostException;

/**
 * A host that resolved only to refused addresses. It extends {@link UnknownHostException} so the
 * HTTP client treats it as a failed lookup and never opens a connection.
 */
final class BlockedTargetException extends UnknownHostException {
  private static final long serialVersionUID = 1L;

  BlockedTargetException(String message) {
    super(message);
  }
}
