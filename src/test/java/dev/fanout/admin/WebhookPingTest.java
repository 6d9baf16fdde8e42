package dev.fanout.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.delivery.HttpResult;
import dev.fanout.delivery.WebhookRequest;
import dev.fanout.delivery.WebhookSender;
import dev.fanout.signing.SignatureVerifier;
import dev.fanout.signing.SigningSecret;
import dev.fanout.subscription.Subscription;
import dev.fanout.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class WebhookPingTest {
  private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");

  private final List<WebhookRequest> sent = new ArrayList<>();
  private HttpResult answer = new HttpResult.Response(204, null);
  private final WebhookSender sender =
      new WebhookSender() {
        @Override
        public CompletableFuture<HttpResult> send(WebhookRequest request) {
          sent.add(request);
          return CompletableFuture.completedFuture(answer);
        }

        @Override
        public void close() {}
      };
  private final WebhookPing ping =
      new WebhookPing(sender, new MutableClock(NOW), Duration.ofSeconds(1));

  @Test
  void sendsAPingEventSignedAsADelivery() throws Exception {
    SigningSecret secret = new SigningSecret("whsec_" + "A".repeat(44));
    Subscription webhook = WebhooksTest.webhook("wh_1", secret);

    WebhookPing.Result result = ping.ping(webhook);

    assertThat(result.delivered()).isTrue();
    WebhookRequest request = sent.get(0);
    assertThat(request.url()).isEqualTo(webhook.url());
    JsonNode body = new ObjectMapper().readTree(request.body());
    assertThat(body.get("id").asText()).isEqualTo(result.eventId()).startsWith("evt_ping_");
    assertThat(body.get("type").asText()).isEqualTo("webhook.ping");
    assertThat(body.get("space_id").asText()).isEqualTo("space_42");
    assertThat(body.get("time").asText()).isEqualTo(NOW.toString());
    assertThat(header(request, "x-y42-event")).isEqualTo("webhook.ping");
    assertThat(
            SignatureVerifier.verifyY42(secret, request.body(), header(request, "x-y42-signature")))
        .isTrue();
    assertThat(
            SignatureVerifier.verifyStandard(
                secret,
                header(request, "webhook-id"),
                header(request, "webhook-timestamp"),
                request.body(),
                header(request, "webhook-signature"),
                NOW,
                Duration.ofMinutes(5)))
        .isTrue();
  }

  @Test
  void anAnswerOtherThan2xxOrNoneIsNotDelivered() throws Exception {
    Subscription webhook = WebhooksTest.webhook("wh_1", null);
    answer = new HttpResult.Response(500, null);
    assertThat(ping.ping(webhook).delivered()).isFalse();
    answer = new HttpResult.Failure(HttpResult.Kind.BLOCKED_TARGET, "blocked");
    assertThat(ping.ping(webhook).delivered()).isFalse();
    answer = new HttpResult.Response(299, null);
    assertThat(ping.ping(webhook).delivered()).isTrue();
  }

  @Test
  void sendsNothingWhenTheSecretCannotBeRead() {
    Subscription webhook =
        WebhooksTest.webhook("wh_1", SigningSecret.unavailable("key k9 is not known"));

    assertThatThrownBy(() -> ping.ping(webhook))
        .isInstanceOf(AdminFailure.class)
        .hasMessageContaining("key k9 is not known");
    assertThat(sent).isEmpty();
  }

  private static String header(WebhookRequest request, String name) {
    return request.headers().stream()
        .filter(h -> h.name().equals(name))
        .map(WebhookRequest.Header::value)
        .findFirst()
        .orElse(null);
  }
}
