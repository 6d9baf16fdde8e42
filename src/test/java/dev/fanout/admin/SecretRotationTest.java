package dev.fanout.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fanout.signing.SigningSecret;
import dev.fanout.subscription.Subscription;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SecretRotationTest {
  private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");
  private final SigningSecret next = new SigningSecret("next-0123456789abcdef");

  @Test
  void keepsTheCurrentSecretUntilTheEndOfTheGrace() {
    SigningSecret old = new SigningSecret("old-0123456789abcdef");
    Subscription rotated =
        SecretRotation.rotate(WebhooksTest.webhook("wh_1", old), next, Duration.ofHours(24), NOW);

    assertThat(rotated.secret()).isSameAs(next);
    assertThat(rotated.previousSecret()).isSameAs(old);
    assertThat(rotated.previousSecretExpiresAt()).isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
    assertThat(rotated.previousSecretAt(NOW.plus(Duration.ofHours(23)))).isSameAs(old);
    assertThat(rotated.previousSecretAt(NOW.plus(Duration.ofHours(24)))).isNull();
  }

  @Test
  void noGraceOrNoCurrentSecretKeepsNothing() {
    Subscription zero =
        SecretRotation.rotate(
            WebhooksTest.webhook("wh_1", new SigningSecret("old-0123456789abcdef")),
            next,
            Duration.ZERO,
            NOW);
    Subscription unsigned =
        SecretRotation.rotate(WebhooksTest.webhook("wh_1", null), next, Duration.ofHours(1), NOW);

    assertThat(zero.previousSecret()).isNull();
    assertThat(zero.previousSecretExpiresAt()).isNull();
    assertThat(unsigned.secret()).isSameAs(next);
    assertThat(unsigned.previousSecret()).isNull();
  }

  @Test
  void refusesAGraceOutsideZeroToThirtyDays() {
    Subscription webhook = WebhooksTest.webhook("wh_1", new SigningSecret("old-0123456789abcdef"));
    assertThatThrownBy(() -> SecretRotation.rotate(webhook, next, Duration.ofDays(31), NOW))
        .isInstanceOf(AdminFailure.class)
        .hasMessage("the grace period must be between 0 and 30d");
    assertThatThrownBy(() -> SecretRotation.rotate(webhook, next, Duration.ofSeconds(-1), NOW))
        .isInstanceOf(AdminFailure.class);
  }

  @Test
  void anUnreadableCurrentSecretCanOnlyBeReplacedWithoutGrace() {
    Subscription webhook =
        WebhooksTest.webhook("wh_1", SigningSecret.unavailable("key k9 is not known"));

    assertThatThrownBy(() -> SecretRotation.rotate(webhook, next, Duration.ofHours(1), NOW))
        .isInstanceOf(AdminFailure.class)
        .hasMessageContaining("rotate with --grace 0s");
    assertThat(SecretRotation.rotate(webhook, next, Duration.ZERO, NOW).secret()).isSameAs(next);
  }

  @Test
  void generatesAStandardWebhooksSecretOf32RandomBytes() {
    String a = SecretRotation.generate().reveal();
    String b = SecretRotation.generate().reveal();

    assertThat(a).startsWith("whsec_").isNotEqualTo(b);
    assertThat(Base64.getDecoder().decode(a.substring("whsec_".length()))).hasSize(32);
  }
}
