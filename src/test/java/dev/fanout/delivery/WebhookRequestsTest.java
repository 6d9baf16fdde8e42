package dev.fanout.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.event.Event;
import dev.fanout.event.Origin;
import dev.fanout.signing.SignatureVerifier;
import dev.fanout.signing.Signer;
import dev.fanout.signing.SigningSecret;
import dev.fanout.subscription.EventPattern;
import dev.fanout.subscription.Subscription;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class WebhookRequestsTest {
  private static final byte[] BODY =
      "{\"id\":\"evt_1\",\"type\":\"job.failed\",\"space_id\":\"s\"}"
          .getBytes(StandardCharsets.UTF_8);
  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  private static final SigningSecret CURRENT = new SigningSecret("current-secret");
  private static final SigningSecret PREVIOUS = new SigningSecret("previous-secret");

  @Test
  void unsignedRequestCarriesEveryContractHeaderButNoSignature() {
    WebhookRequest request = WebhookRequests.build(task(null, null, null), NOW);

    Map<String, String> headers = headers(request);
    String deliveryId = DeliveryIds.of("evt_1", "wh_1");
    assertThat(headers)
        .containsEntry("content-type", "application/json")
        .containsEntry("x-y42-event", "job.failed")
        .containsEntry("x-y42-webhook-id", "wh_1")
        .containsEntry("x-y42-delivery", deliveryId)
        .containsEntry("webhook-id", deliveryId)
        .containsEntry("webhook-timestamp", String.valueOf(NOW.getEpochSecond()))
        .doesNotContainKeys("x-y42-signature", "webhook-signature");
    assertThat(headers.get("user-agent")).startsWith("Fanout/");
  }

  @Test
  void eachHeaderAppearsOnce() {
    WebhookRequest request =
        WebhookRequests.build(task(CURRENT, PREVIOUS, NOW.plusSeconds(60)), NOW);

    List<String> names = request.headers().stream().map(WebhookRequest.Header::name).toList();
    assertThat(names).doesNotHaveDuplicates().hasSize(9);
  }

  @Test
  void bodyAndUrlAreTheEventBytesAndTheSubscriptionUrl() {
    WebhookRequest request = WebhookRequests.build(task(null, null, null), NOW);

    assertThat(request.body()).containsExactly(BODY);
    assertThat(request.url()).isEqualTo(URI.create("https://hooks.example.com/y42"));
  }

  @Test
  void signedRequestCarriesBothSignaturesThatVerify() {
    WebhookRequest request = WebhookRequests.build(task(CURRENT, null, null), NOW);

    Map<String, String> headers = headers(request);
    assertThat(headers.get("x-y42-signature")).isEqualTo(Signer.y42Signature(CURRENT, BODY));
    assertThat(SignatureVerifier.verifyY42(CURRENT, BODY, headers.get("x-y42-signature"))).isTrue();
    assertThat(headers.get("webhook-signature")).startsWith("v1,").doesNotContain(" ");
    assertThat(verifyStandard(CURRENT, headers)).isTrue();
  }

  @Test
  void previousSecretAddsSecondStandardSignatureWhileUnexpired() {
    WebhookRequest request =
        WebhookRequests.build(task(CURRENT, PREVIOUS, NOW.plus(Duration.ofHours(1))), NOW);

    Map<String, String> headers = headers(request);
    assertThat(headers.get("webhook-signature").split(" ")).hasSize(2);
    assertThat(verifyStandard(CURRENT, headers)).isTrue();
    assertThat(verifyStandard(PREVIOUS, headers)).isTrue();
    // The y42 header has no room for two signatures: it carries the current secret's only.
    assertThat(headers.get("x-y42-signature")).isEqualTo(Signer.y42Signature(CURRENT, BODY));
  }

  @Test
  void expiredPreviousSecretAddsNoSecondSignature() {
    WebhookRequest request = WebhookRequests.build(task(CURRENT, PREVIOUS, NOW), NOW);

    Map<String, String> headers = headers(request);
    assertThat(headers.get("webhook-signature").split(" ")).hasSize(1);
    assertThat(verifyStandard(PREVIOUS, headers)).isFalse();
    assertThat(verifyStandard(CURRENT, headers)).isTrue();
  }

  @Test
  void timestampAndSignatureFollowTheAttemptTime() {
    DeliveryTask task = task(CURRENT, null, null);
    Instant later = NOW.plusSeconds(300);

    Map<String, String> first = headers(WebhookRequests.build(task, NOW));
    Map<String, String> second = headers(WebhookRequests.build(task, later));

    assertThat(second.get("webhook-timestamp")).isEqualTo(String.valueOf(later.getEpochSecond()));
    assertThat(second.get("webhook-signature")).isNotEqualTo(first.get("webhook-signature"));
    assertThat(second.get("x-y42-delivery")).isEqualTo(first.get("x-y42-delivery"));
  }

  private static boolean verifyStandard(SigningSecret secret, Map<String, String> headers) {
    return SignatureVerifier.verifyStandard(
        secret,
        headers.get("webhook-id"),
        headers.get("webhook-timestamp"),
        BODY,
        headers.get("webhook-signature"),
        NOW,
        Duration.ofMinutes(5));
  }

  private static Map<String, String> headers(WebhookRequest request) {
    return request.headers().stream()
        .collect(Collectors.toMap(WebhookRequest.Header::name, WebhookRequest.Header::value));
  }

  private static DeliveryTask task(
      SigningSecret secret, SigningSecret previous, Instant previousExpiresAt) {
    Subscription subscription =
        new Subscription(
            "wh_1",
            "s",
            URI.create("https://hooks.example.com/y42"),
            List.of(new EventPattern("job.*")),
            true,
            secret,
            previous,
            previousExpiresAt,
            "",
            null,
            new byte[0]);
    Event event = new Event("evt_1", "job.failed", "s", null, BODY);
    Origin origin = new Origin("y42.events.jobs", 0, 7, null, NOW);
    return DeliveryTask.first(event, subscription, origin);
  }
}
