package dev.fanout.delivery;

import java.time.Duration;

/** What one HTTP attempt produced: a response, or a failure to get one. */
public sealed interface HttpResult {

  /**
   * @param retryAfter the endpoint's {@code Retry-After}, or null when absent or unreadable
   */
  record Response(int status, Duration retryAfter) implements HttpResult {}

  /** No response. The message is short and safe to store: it never holds request headers. */
  record Failure(Kind kind, String message) implements HttpResult {}

  enum Kind {
    /** Connection refused, unreachable, name not resolved, TLS handshake failed. */
    CONNECT,
    /** Connected, but no complete response within the request timeout. */
    TIMEOUT,
    /** The target resolved only to addresses the SSRF guard refuses. */
    BLOCKED_TARGET
  }
}
