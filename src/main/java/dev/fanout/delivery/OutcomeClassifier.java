package dev.fanout.delivery;

import dev.fanout.deadletter.Reasons;

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
 * failures) count against its circuit breaker; a 404 or 401 is a healthy endpoint saying no. Of
 * those, only the ones that say "too much" (timeouts, 429, 503) shrink the host's concurrency
 * limit: a 500 from one URL says nothing about how many requests its host can take.
 */
public final class OutcomeClassifier {
  private OutcomeClassifier() {}

  public static Outcome classify(HttpResult result) {
    if (result instanceof HttpResult.Response response) {
      return classify(response);
    }
    HttpResult.Failure failure = (HttpResult.Failure) result;
    return switch (failure.kind()) {
      case BLOCKED_TARGET ->
          new Outcome.DeadLetter(Reasons.BLOCKED_TARGET, 0, failure.message(), false);
      case TIMEOUT -> new Outcome.Retry(Reasons.TIMEOUT, 0, null, failure.message(), true);
      case CONNECT -> new Outcome.Retry(Reasons.CONNECT, 0, null, failure.message(), true);
    };
  }

  /** Whether no answer came within the request timeout. */
  public static boolean timedOut(Outcome outcome) {
    return outcome instanceof Outcome.Retry r && r.reason().equals(Reasons.TIMEOUT);
  }

  /** Whether the outcome says the host is overloaded: a timeout, 429 or 503. */
  public static boolean overload(Outcome outcome) {
    return outcome instanceof Outcome.Retry r
        && (r.reason().equals(Reasons.TIMEOUT) || r.status() == 429 || r.status() == 503);
  }

  private static Outcome classify(HttpResult.Response response) {
    int status = response.status();
    if (status >= 200 && status < 300) {
      return new Outcome.Delivered(status);
    }
    String message = "endpoint answered HTTP " + status;
    if (status == 410) {
      return new Outcome.DeadLetter(Reasons.GONE, status, message, true);
    }
    if (status == 413) {
      return new Outcome.DeadLetter(Reasons.PAYLOAD_TOO_LARGE, status, message, false);
    }
    boolean endpointFailure = status >= 500 || status == 408 || status == 429;
    return new Outcome.Retry(
        Reasons.HTTP_STATUS, status, response.retryAfter(), message, endpointFailure);
  }
}
