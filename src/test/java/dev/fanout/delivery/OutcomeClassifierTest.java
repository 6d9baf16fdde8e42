package dev.fanout.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OutcomeClassifierTest {

  @ParameterizedTest
  @ValueSource(ints = {200, 201, 202, 204, 299})
  void twoHundredsAreDelivered(int status) {
    Outcome outcome = classify(status);

    assertThat(outcome).isEqualTo(new Outcome.Delivered(status));
    assertThat(outcome.endpointFailure()).isFalse();
  }

  @Test
  void requestTimeout408IsRetriedAndCountsAgainstTheEndpoint() {
    Outcome.Retry retry = retry(408);

    assertThat(retry.reason()).isEqualTo("http_status");
    assertThat(retry.status()).isEqualTo(408);
    assertThat(retry.endpointFailure()).isTrue();
  }

  @Test
  void conflict409IsRetriedWithoutCountingAgainstTheEndpoint() {
    Outcome.Retry retry = retry(409);

    assertThat(retry.reason()).isEqualTo("http_status");
    assertThat(retry.endpointFailure()).isFalse();
  }

  @Test
  void tooEarly425IsRetriedWithoutCountingAgainstTheEndpoint() {
    Outcome.Retry retry = retry(425);

    assertThat(retry.reason()).isEqualTo("http_status");
    assertThat(retry.status()).isEqualTo(425);
    assertThat(retry.endpointFailure()).isFalse();
  }

  @Test
  void tooManyRequests429IsRetriedHonouringRetryAfterAndCountsAgainstTheEndpoint() {
    Outcome outcome =
        OutcomeClassifier.classify(new HttpResult.Response(429, Duration.ofSeconds(42)));

    assertThat(outcome).isInstanceOf(Outcome.Retry.class);
    Outcome.Retry retry = (Outcome.Retry) outcome;
    assertThat(retry.retryAfter()).isEqualTo(Duration.ofSeconds(42));
    assertThat(retry.endpointFailure()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 502, 503, 504, 599})
  void serverErrorsAreRetriedAndCountAgainstTheEndpoint(int status) {
    Outcome.Retry retry = retry(status);

    assertThat(retry.reason()).isEqualTo("http_status");
    assertThat(retry.status()).isEqualTo(status);
    assertThat(retry.message()).contains(String.valueOf(status));
    assertThat(retry.endpointFailure()).isTrue();
  }

  @Test
  void serverErrorKeepsRetryAfter() {
    Outcome.Retry retry =
        (Outcome.Retry)
            OutcomeClassifier.classify(new HttpResult.Response(503, Duration.ofMinutes(2)));

    assertThat(retry.retryAfter()).isEqualTo(Duration.ofMinutes(2));
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 401, 403, 404, 405, 422})
  void otherClientErrorsAreRetriedWithoutCountingAgainstTheEndpoint(int status) {
    Outcome.Retry retry = retry(status);

    assertThat(retry.reason()).isEqualTo("http_status");
    assertThat(retry.status()).isEqualTo(status);
    assertThat(retry.endpointFailure()).isFalse();
  }

  @Test
  void goneDeadLettersAndDisablesTheWebhook() {
    Outcome outcome = classify(410);

    assertThat(outcome).isInstanceOf(Outcome.DeadLetter.class);
    Outcome.DeadLetter deadLetter = (Outcome.DeadLetter) outcome;
    assertThat(deadLetter.reason()).isEqualTo("gone");
    assertThat(deadLetter.status()).isEqualTo(410);
    assertThat(deadLetter.disableWebhook()).isTrue();
    assertThat(deadLetter.endpointFailure()).isFalse();
  }

  @Test
  void payloadTooLargeDeadLettersWithoutDisabling() {
    Outcome outcome = classify(413);

    assertThat(outcome).isInstanceOf(Outcome.DeadLetter.class);
    Outcome.DeadLetter deadLetter = (Outcome.DeadLetter) outcome;
    assertThat(deadLetter.reason()).isEqualTo("payload_too_large");
    assertThat(deadLetter.status()).isEqualTo(413);
    assertThat(deadLetter.disableWebhook()).isFalse();
    assertThat(deadLetter.endpointFailure()).isFalse();
  }

  @Test
  void timeoutIsRetriedAndCountsAgainstTheEndpoint() {
    Outcome outcome =
        OutcomeClassifier.classify(
            new HttpResult.Failure(HttpResult.Kind.TIMEOUT, "no response in 15s"));

    assertThat(outcome)
        .isEqualTo(new Outcome.Retry("timeout", 0, null, "no response in 15s", true));
  }

  @Test
  void connectFailureIsRetriedAndCountsAgainstTheEndpoint() {
    Outcome outcome =
        OutcomeClassifier.classify(
            new HttpResult.Failure(HttpResult.Kind.CONNECT, "connection refused"));

    assertThat(outcome)
        .isEqualTo(new Outcome.Retry("connect", 0, null, "connection refused", true));
  }

  @Test
  void blockedTargetDeadLettersAtOnceWithoutCountingAgainstTheEndpoint() {
    Outcome outcome =
        OutcomeClassifier.classify(
            new HttpResult.Failure(HttpResult.Kind.BLOCKED_TARGET, "10.0.0.1 refused"));

    assertThat(outcome)
        .isEqualTo(new Outcome.DeadLetter("blocked_target", 0, "10.0.0.1 refused", false));
    assertThat(outcome.endpointFailure()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(ints = {100, 301, 302, 304})
  void statusesOutsideTheTableAreRetried(int status) {
    assertThat(retry(status).status()).isEqualTo(status);
  }

  private static Outcome classify(int status) {
    return OutcomeClassifier.classify(new HttpResult.Response(status, null));
  }

  private static Outcome.Retry retry(int status) {
    Outcome outcome = classify(status);
    assertThat(outcome).isInstanceOf(Outcome.Retry.class);
    return (Outcome.Retry) outcome;
  }
}
