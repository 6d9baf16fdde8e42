package dev.fanout.delivery;

import java.time.Duration;

/** What one HTTP attempt produced: a response, or a failure to get one. */
public sealed interface HttpResult {

  /**
   * @param retryAfter the endpoint's {@code Retry-After}, or null when absent or unreadable
   * @param snippet the start of the body, not yet redacted ({@link Redaction}); null when the
   *     sender keeps none (history or snippets off) or the body was empty
   */
  record Response(int status, Duration retryAfter, ResponseSnippet snippet) implements HttpResult {
    /** A response whose body was not kept. */
    public Response(int status, Duration retryAfter) {
      this(status, retryAfter, null);
    }
  }

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
