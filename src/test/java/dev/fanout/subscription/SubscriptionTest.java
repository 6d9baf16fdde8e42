package dev.fanout.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.signing.SigningSecret;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which unreadable secret stops a webhook: the current one always, the previous one in grace. */
class SubscriptionTest {
  private static final Instant EXPIRES = Instant.parse("2026-06-01T00:00:00Z");
  private static final SigningSecret READABLE = new SigningSecret("current-secret-0123456789");
  private static final SigningSecret UNREADABLE =
      SigningSecret.unavailable("secret: key k1 is not configured");

  @Test
  void anUnreadablePreviousSecretStopsTheWebhookWhileItsGracePeriodLasts() {
    Subscription s = webhook(READABLE, UNREADABLE, EXPIRES);

    assertThat(s.secretProblem(EXPIRES.minusSeconds(1)))
        .isEqualTo("secret: key k1 is not configured");
  }

  @Test
  void anUnreadablePreviousSecretWhoseGracePeriodIsOverStopsNothing() {
    Subscription s = webhook(READABLE, UNREADABLE, EXPIRES);

    assertThat(s.secretProblem(EXPIRES)).isNull();
    assertThat(s.secretProblem(EXPIRES.plusSeconds(86_400))).isNull();
    assertThat(s.storedSecretProblem())
        .as("still reported as stored, for the operator")
        .isEqualTo("secret: key k1 is not configured");
  }

  @Test
  void anUnreadablePreviousSecretWithNoEndOfGraceSignsNothingSoStopsNothing() {
    Subscription s = webhook(READABLE, UNREADABLE, null);

    assertThat(s.secretProblem(EXPIRES)).isNull();
  }

  @Test
  void anUnreadableCurrentSecretStopsTheWebhookAtAnyTime() {
    Subscription s = webhook(UNREADABLE, READABLE, EXPIRES);

    assertThat(s.secretProblem(EXPIRES.minusSeconds(1)))
        .isEqualTo("secret: key k1 is not configured");
    assertThat(s.secretProblem(EXPIRES.plusSeconds(86_400)))
        .isEqualTo("secret: key k1 is not configured");
  }

  @Test
  void readableSecretsStopNothing() {
    Subscription s = webhook(READABLE, READABLE, EXPIRES);

    assertThat(s.secretProblem(EXPIRES.minusSeconds(1))).isNull();
    assertThat(s.storedSecretProblem()).isNull();
  }

  private static Subscription webhook(
      SigningSecret secret, SigningSecret previous, Instant previousExpiresAt) {
    return new Subscription(
        "wh_1",
        "space_42",
        URI.create("https://h.example.com/y"),
        List.of(new EventPattern("*")),
        true,
        secret,
        previous,
        previousExpiresAt,
        null,
        null,
        new byte[0]);
  }
}
