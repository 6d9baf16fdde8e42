package dev.fanout.deadletter;

import java.util.Set;

/**
 * Why a record ended in the dead-letter topic ({@code fanout.reason}): a closed set, so dashboards
 * and {@code fanout dlq stats} can list them all.
 */
public final class Reasons {
  /** The endpoint answered with a status that is not retried, or retries ran out on one. */
  public static final String HTTP_STATUS = "http_status";

  /** Retries ran out on requests that got no answer in time. */
  public static final String TIMEOUT = "timeout";

  /** Retries ran out on connections that could not be made. */
  public static final String CONNECT = "connect";

  /** The target resolved to an address the SSRF guard refuses. */
  public static final String BLOCKED_TARGET = "blocked_target";

  /** The endpoint answered 410: the webhook was disabled. */
  public static final String GONE = "gone";

  /** The event is larger than {@code delivery.max-body-bytes}, or the endpoint answered 413. */
  public static final String PAYLOAD_TOO_LARGE = "payload_too_large";

  /** The record is not an event Fanout can read. */
  public static final String INVALID_EVENT = "invalid_event";

  /** {@code retry.max-age} or {@code retry.max-hold} passed before the delivery succeeded. */
  public static final String EXPIRED = "expired";

  /** The webhook's signing secret can no longer be read (a key removed, plaintext refused). */
  public static final String SECRET_UNAVAILABLE = "secret_unavailable";

  public static final Set<String> ALL =
      Set.of(
          HTTP_STATUS,
          TIMEOUT,
          CONNECT,
          BLOCKED_TARGET,
          GONE,
          PAYLOAD_TOO_LARGE,
          INVALID_EVENT,
          EXPIRED,
          SECRET_UNAVAILABLE);

  private Reasons() {}
}
