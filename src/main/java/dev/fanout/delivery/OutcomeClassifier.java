package dev.fanout.delivery;

/**
 * The outcome table of the contract, and the only place that reads HTTP statuses:
 *
 * <pre>
 *   2xx                                        delivered
 *   410 Gone                                   dead-letter now, disable the webhook
 *   413 Payload Too Large                      dead-letter now (a retry cannot succeed)
 *   408, 409, 425, 429, 5xx, any other status  retry (honouring Retry-After)
 *   timeout, connection failure                retry
 *   blocked target (SSRF guard)                dead-letter now
 * </pre>
 *
 * Only answers that say the endpoint itself is in trouble (5xx, 408, 429, timeouts, connection
 * failures) count against its circuit breaker; a 404 or 401 is a healthy endpoint saying no.
 */
public final class OutcomeClassifier {
  private OutcomeClassifier() {}

  public static Outcome classify(HttpResult result) {
    if (result instanceof HttpResult.Response response) {
      return classify(response);
    }
    HttpResult.Failure failure = (HttpResult.Failure) result;
    return switch (failure.kind()) {
      case BLOCKED_TARGET -> new Outcome.DeadLetter("blocked_target", 0, failure.message(), false);
      case TIMEOUT -> new Outcome.Retry("timeout", 0, null, failure.message(), true);
      case CONNECT -> new Outcome.Retry("connect", 0, null, failure.message(), true);
    };
  }

  private static Outcome classify(HttpResult.Response response) {
    int status = response.status();
    if (status >= 200 && status < 300) {
      return new Outcome.Delivered(status);
    }
    String message = "endpoint answered HTTP " + status;
    if (status == 410) {
      return new Outcome.DeadLetter("gone", status, message, true);
    }
    if (status == 413) {
      return new Outcome.DeadLetter("payload_too_large", status, message, false);
    }
    boolean endpointFailure = status >= 500 || status == 408 || status == 429;
    return new Outcome.Retry(
        "http_status", status, response.retryAfter(), message, endpointFailure);
  }
}
