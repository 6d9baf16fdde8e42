package dev.fanout.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.event.Event;
import dev.fanout.event.Origin;
import dev.fanout.signing.SigningSecret;
import dev.fanout.subscription.EventPattern;
import dev.fanout.subscription.Subscription;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** What an endpoint echoes back never reaches history: signatures sent, the webhook's secrets. */
class RedactionTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  private static final String CURRENT = "current-secret-7781";
  private static final String PREVIOUS = "whsec_cHJldmlvdXMtc2VjcmV0LWtleQ==";

  private static Subscription subscription(String secret, String previous) {
    return new Subscription(
        "wh_1",
        "s",
        URI.create("https://hooks.example.com/y42"),
        List.of(new EventPattern("job.*")),
        true,
        secret == null ? null : new SigningSecret(secret),
        previous == null ? null : new SigningSecret(previous),
        previous == null ? null : NOW.plusSeconds(3600),
        "",
        null,
        new byte[0]);
  }

  private static WebhookRequest request(Subscription subscription, Instant at) {
    byte[] body =
        "{\"id\":\"evt_1\",\"type\":\"job.failed\",\"space_id\":\"s\"}"
            .getBytes(StandardCharsets.UTF_8);
    Event event = new Event("evt_1", "job.failed", "s", null, body);
    DeliveryTask task =
        DeliveryTask.first(event, subscription, new Origin("jobs", 0, 1, null, at))
            .afterAttempt(at);
    return WebhookRequests.build(task, at);
  }

  private static String header(WebhookRequest request, String name) {
    return request.headers().stream()
        .filter(h -> h.name().equals(name))
        .map(WebhookRequest.Header::value)
        .findFirst()
        .orElseThrow();
  }

  /** Every request header, one per line, as an echoing endpoint answers. */
  private static String echo(WebhookRequest request) {
    StringBuilder text = new StringBuilder();
    for (WebhookRequest.Header h : request.headers()) {
      text.append(h.name()).append(": ").append(h.value()).append('\n');
    }
    return text.toString();
  }

  @Test
  void anEchoOfTheRequestHeadersKeepsEverythingButTheSignatures() {
    Subscription subscription = subscription(CURRENT, PREVIOUS);
    WebhookRequest request = request(subscription, NOW);
    String y42 = header(request, "x-y42-signature");
    String standard = header(request, "webhook-signature");
    String[] entries = standard.split(" ");
    assertThat(entries).as("signed with both secrets").hasSize(2);

    ResponseSnippet echoed = new ResponseSnippet("text/plain", echo(request), false);
    String text = Redaction.apply(echoed, request, subscription).text();

    assertThat(text)
        .doesNotContain(y42.substring("sha256=".length()))
        .doesNotContain(entries[0].substring(3))
        .doesNotContain(entries[1].substring(3))
        .contains("x-y42-signature: [redacted]\n")
        .contains("webhook-signature: [redacted]\n")
        .contains("x-y42-delivery: " + header(request, "x-y42-delivery") + "\n")
        .contains("webhook-timestamp: " + NOW.getEpochSecond() + "\n");
  }

  @Test
  void signaturesQuotedApartOrReformattedAreTakenOutToo() {
    Subscription subscription = subscription(CURRENT, null);
    // A time whose Standard Webhooks signature holds a '/', as JSON encoders may write it "\/".
    WebhookRequest request = null;
    String base64 = null;
    for (int i = 0; base64 == null || !base64.contains("/"); i++) {
      request = request(subscription, NOW.plusSeconds(i));
      base64 = header(request, "webhook-signature").substring(3);
    }
    String hex = header(request, "x-y42-signature").substring("sha256=".length());
    String answer =
        "{\"expected\":\""
            + hex.toUpperCase(Locale.ROOT)
            + "\",\"got\":\""
            + hex
            + "\",\"std\":\""
            + base64.replace("/", "\\/")
            + "\",\"raw\":\""
            + base64
            + "\"}";

    String text =
        Redaction.apply(new ResponseSnippet(null, answer, false), request, subscription).text();

    assertThat(text)
        .isEqualTo(
            "{\"expected\":\"[redacted]\",\"got\":\"[redacted]\",\"std\":\"[redacted]\","
                + "\"raw\":\"[redacted]\"}");
  }

  @Test
  void theWebhookSecretsAreTakenOutWhereverTheyAppear() {
    Subscription subscription = subscription(CURRENT, PREVIOUS);
    WebhookRequest request = request(subscription, NOW);
    String answer =
        "configured secret "
            + CURRENT
            + ", old "
            + PREVIOUS
            + ", old key "
            + PREVIOUS.substring("whsec_".length());

    ResponseSnippet redacted =
        Redaction.apply(
            new ResponseSnippet("text/plain; " + CURRENT, answer, false), request, subscription);

    assertThat(redacted)
        .isEqualTo(
            new ResponseSnippet(
                "text/plain; [redacted]",
                "configured secret [redacted], old [redacted], old key [redacted]",
                false));
  }

  @Test
  void aSecretAsAJsonEncoderEscapesItIsTakenOutToo() {
    // Base64 with both characters that JSON encoders escape: '/' (PHP) and '+' (.NET).
    String key = "ab/cd+ef/gh+ij/kl+mn/op+qr/st+uv/wx+yz==";
    Subscription subscription = subscription("whsec_" + key, null);
    WebhookRequest request = request(subscription, NOW);
    String answer =
        "{\"php\":\""
            + key.replace("/", "\\/")
            + "\",\"dotnet\":\""
            + key.replace("+", "\\u002B")
            + "\"}";

    ResponseSnippet redacted =
        Redaction.apply(
            new ResponseSnippet("application/json", answer, false), request, subscription);

    assertThat(redacted.text()).isEqualTo("{\"php\":\"[redacted]\",\"dotnet\":\"[redacted]\"}");
  }

  @Test
  void aSignatureCutOffByTheCapLeavesNoStartBehind() {
    Subscription subscription = subscription(CURRENT, null);
    WebhookRequest request = request(subscription, NOW);
    String y42 = header(request, "x-y42-signature");
    String cut = "bad signature: " + y42.substring(0, 20);

    assertThat(Redaction.apply(new ResponseSnippet(null, cut, true), request, subscription).text())
        .isEqualTo("bad signature: [redacted]");
    assertThat(Redaction.apply(new ResponseSnippet(null, cut, false), request, subscription).text())
        .as("a body that ended there holds no signature")
        .isEqualTo(cut);
    String shortTail = "status: " + y42.substring(0, Redaction.MIN_TAIL - 1);
    assertThat(
            Redaction.apply(new ResponseSnippet(null, shortTail, true), request, subscription)
                .text())
        .as("a tail shorter than the minimum says nothing of the signature")
        .isEqualTo(shortTail);
  }

  @Test
  void anUnsignedRequestLeavesTheSnippetAsItIs() {
    Subscription subscription = subscription(null, null);
    WebhookRequest request = request(subscription, NOW);
    ResponseSnippet snippet = new ResponseSnippet("text/plain", echo(request), true);

    assertThat(Redaction.apply(snippet, request, subscription)).isSameAs(snippet);
  }
}
