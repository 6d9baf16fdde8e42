package dev.fanout.delivery;

import java.time.Duration;

/**
 * What an attempt means for its task, decided in one place: {@link OutcomeClassifier}.
 *
 * <p>{@code reason} values are the dead-letter reasons of the contract: {@code http_status}, {@code
 * timeout}, {@code connect}, {@code blocked_target}, {@code gone}, {@code payload_too_large}.
 */
public sealed interface Outcome {
  /** Whether this outcome says the endpoint is unhealthy (it feeds the circuit breaker). */
  boolean endpointFailure();

  record Delivered(int status) implements Outcome {
    @Override
    public boolean endpointFailure() {
      return false;
    }
  }

  /**
   * @param status the HTTP status, or 0 when there was no response
   * @param retryAfter the endpoint's requested wait, or null
   */
  record Retry(
      String reason, int status, Duration retryAfter, String message, boolean endpointFailure)
      implements Outcome {}

  /**
   * @param disableWebhook the endpoint said it is gone for good: stop sending to it
   */
  record DeadLetter(String reason, int status, String message, boolean disableWebhook)
      implements Outcome {
    @Override
    public boolean endpointFailure() {
      return false;
    }
  }
}
