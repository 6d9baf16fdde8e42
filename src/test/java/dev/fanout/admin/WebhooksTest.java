package dev.fanout.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.signing.SecretCipher;
import dev.fanout.signing.SigningSecret;
import dev.fanout.subscription.EventPattern;
import dev.fanout.subscription.Subscription;
import dev.fanout.subscription.SubscriptionCodec;
import dev.fanout.subscription.SubscriptionRefusedException;
import dev.fanout.testing.MutableClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhooksTest {
  private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
  private static final String K1 = "k1:" + Base64.getEncoder().encodeToString(new byte[32]);

  private final SubscriptionCodec codec = new SubscriptionCodec(SecretCipher.parse(K1));
  private final LogConfigTopic topic = new LogConfigTopic(codec);
  private final MutableClock clock = new MutableClock(T0);

  @Test
  void addWritesVersionOneWithTheSecretDatedNow() {
    Webhooks webhooks = new Webhooks(topic, codec, clock);

    webhooks.add(webhook("wh_1", new SigningSecret("s3cr3t-0123456789abcdef")));

    byte[] value = topic.log.get(0).value();
    assertThat(SubscriptionCodec.version(value)).isEqualTo(1);
    assertThat(SubscriptionCodec.secretCreatedAt(value)).isEqualTo(T0);
    assertThat(new String(value, StandardCharsets.UTF_8)).doesNotContain("s3cr3t-0123456789abcdef");
    assertThat(webhooks.get("wh_1").secret().reveal()).isEqualTo("s3cr3t-0123456789abcdef");
  }

  @Test
  void updateWritesTheNextVersionAndKeepsTheSecretAndItsDate() {
    Webhooks webhooks = new Webhooks(topic, codec, clock);
    webhooks.add(webhook("wh_1", new SigningSecret("s3cr3t-0123456789abcdef")));
    clock.advance(Duration.ofHours(1));

    webhooks.setEnabled("wh_1", false);

    Subscription now = webhooks.get("wh_1");
    assertThat(now.enabled()).isFalse();
    assertThat(SubscriptionCodec.version(now.source())).isEqualTo(2);
    assertThat(SubscriptionCodec.secretCreatedAt(now.source())).isEqualTo(T0);
    assertThat(now.secret().reveal()).isEqualTo("s3cr3t-0123456789abcdef");
  }

  @Test
  void refusesAChangeTheWorkerWouldRejectAndWritesNothing() {
    Webhooks webhooks = new Webhooks(topic, codec, clock);
    webhooks.add(webhook("wh_1", null));

    assertThatThrownBy(
            () ->
                webhooks.update(
                    "wh_1",
                    s ->
                        new Subscription(
                            s.id(),
                            " ",
                            s.url(),
                            s.events(),
                            true,
                            null,
                            null,
                            null,
                            "",
                            null,
                            s.source())))
        .isInstanceOf(AdminFailure.class)
        .hasMessage("webhook wh_1 would not be valid: space_id must be a non-empty string");
    assertThat(topic.log).hasSize(1);
  }

  @Test
  void failsWhenAnotherWriterChangedTheWebhookBetweenReadAndWrite() {
    Webhooks other = new Webhooks(topic, codec, clock);
    other.add(webhook("wh_1", null));
    Webhooks racing =
        new Webhooks(topic, codec, clock, id -> other.update(id, s -> renamed(s, "theirs")));

    assertThatThrownBy(() -> racing.update("wh_1", s -> renamed(s, "mine")))
        .isInstanceOf(AdminFailure.class)
        .hasMessage("webhook wh_1 changed meanwhile (version 2); re-read and retry");

    Subscription now = other.get("wh_1");
    assertThat(now.description()).isEqualTo("theirs");
    // The losing record is followed by the winner again, so compaction keeps a winner.
    assertThat(topic.log).hasSize(4);
    assertThat(SubscriptionCodec.version(topic.log.get(3).value())).isEqualTo(3);
    assertThat(new String(topic.log.get(3).value(), StandardCharsets.UTF_8)).contains("theirs");
  }

  @Test
  void failsWhenTheWebhookWasDeletedBetweenReadAndWrite() {
    Webhooks other = new Webhooks(topic, codec, clock);
    other.add(webhook("wh_1", null));
    Webhooks racing = new Webhooks(topic, codec, clock, other::delete);

    assertThatThrownBy(() -> racing.setEnabled("wh_1", false))
        .isInstanceOf(AdminFailure.class)
        .hasMessage("webhook wh_1 was deleted meanwhile; nothing was changed");
    assertThat(topic.log.get(topic.log.size() - 1).value()).as("a tombstone again").isNull();
    assertThat(other.all()).isEmpty();
  }

  @Test
  void rotationKeepsTheCurrentSecretForTheGraceAndDatesTheNewOne() {
    Webhooks webhooks = new Webhooks(topic, codec, clock);
    webhooks.add(webhook("wh_1", new SigningSecret("old-0123456789abcdef")));
    clock.advance(Duration.ofDays(3));

    webhooks.rotateSecret("wh_1", new SigningSecret("new-0123456789abcdef"), Duration.ofHours(24));

    Subscription now = webhooks.get("wh_1");
    assertThat(now.secret().reveal()).isEqualTo("new-0123456789abcdef");
    assertThat(now.previousSecret().reveal()).isEqualTo("old-0123456789abcdef");
    assertThat(now.previousSecretExpiresAt()).isEqualTo(T0.plus(Duration.ofDays(4)));
    assertThat(SubscriptionCodec.secretCreatedAt(now.source()))
        .isEqualTo(T0.plus(Duration.ofDays(3)));
  }

  @Test
  void aChangeAfterTheGraceLeavesThePreviousSecretOut() {
    Webhooks webhooks = new Webhooks(topic, codec, clock);
    webhooks.add(webhook("wh_1", new SigningSecret("old-0123456789abcdef")));
    webhooks.rotateSecret("wh_1", new SigningSecret("new-0123456789abcdef"), Duration.ofHours(24));
    clock.advance(Duration.ofHours(1));
    webhooks.setEnabled("wh_1", false);
    assertThat(webhooks.get("wh_1").previousSecret().reveal())
        .as("within the grace")
        .isEqualTo("old-0123456789abcdef");

    clock.advance(Duration.ofHours(24));
    webhooks.setEnabled("wh_1", true);

    Subscription now = webhooks.get("wh_1");
    assertThat(now.previousSecret()).isNull();
    assertThat(now.previousSecretExpiresAt()).isNull();
    assertThat(now.secret().reveal()).isEqualTo("new-0123456789abcdef");
    assertThat(now.enabled()).isTrue();
  }

  @Test
  void refusesToStoreASecretInTheClearWithoutAKey() {
    SubscriptionCodec strict = new SubscriptionCodec(SecretCipher.none());
    Webhooks webhooks = new Webhooks(new LogConfigTopic(strict), strict, clock);

    assertThatThrownBy(
            () -> webhooks.add(webhook("wh_1", new SigningSecret("s3cr3t-0123456789abcdef"))))
        .isInstanceOf(SubscriptionRefusedException.class)
        .hasMessage(
            "no key in FANOUT_SECRET_KEYS to encrypt the secret with: set"
                + " FANOUT_SECRET_KEYS=<key id>:<base64 of 32 bytes>, or"
                + " security.allow-plaintext-secrets=true to store secrets in the clear (anyone"
                + " who can read the config topic reads them)");
    assertThat(webhooks.all()).isEmpty();
  }

  @Test
  void aWebhookWhoseSecretCannotBeReadCanBeChangedOnlyByANewSecretWithoutGrace() {
    new Webhooks(topic, codec, clock)
        .add(webhook("wh_1", new SigningSecret("old-0123456789abcdef")));
    SubscriptionCodec otherKey =
        new SubscriptionCodec(
            SecretCipher.parse("k2:" + Base64.getEncoder().encodeToString(new byte[32])));
    Webhooks webhooks = new Webhooks(topic.readWith(otherKey), otherKey, clock);

    // Any change that writes the secret again (here: none at all) needs it read.
    assertThatThrownBy(() -> webhooks.update("wh_1", s -> s))
        .isInstanceOf(AdminFailure.class)
        .hasMessageContaining("its secret cannot be read (secret: secret key id 'k1' is not known)")
        .hasMessageEndingWith("rotate-secret --grace 0s");
    webhooks.rotateSecret("wh_1", new SigningSecret("new-0123456789abcdef"), Duration.ZERO);
    webhooks.setEnabled("wh_1", false);

    assertThat(webhooks.get("wh_1").secret().reveal()).isEqualTo("new-0123456789abcdef");
    assertThat(webhooks.get("wh_1").enabled()).isFalse();
  }

  @Test
  void aWebhookWhoseSecretCannotBeReadCanBeDisabledAsStoredButNotEnabled() throws Exception {
    new Webhooks(topic, codec, clock)
        .add(webhook("wh_1", new SigningSecret("old-0123456789abcdef")));
    byte[] before = topic.read().get("wh_1").orElseThrow().source();
    SubscriptionCodec otherKey =
        new SubscriptionCodec(
            SecretCipher.parse("k2:" + Base64.getEncoder().encodeToString(new byte[32])));
    Webhooks webhooks = new Webhooks(topic.readWith(otherKey), otherKey, clock);

    Subscription disabled = webhooks.setEnabled("wh_1", false);

    assertThat(disabled.enabled()).isFalse();
    assertThat(webhooks.get("wh_1").enabled()).isFalse();
    assertThat(SubscriptionCodec.version(webhooks.get("wh_1").source()))
        .isEqualTo(SubscriptionCodec.version(before) + 1);
    ObjectMapper json = new ObjectMapper();
    assertThat(json.readTree(webhooks.get("wh_1").source()).get("secret"))
        .as("the ciphertext is written again as it was")
        .isEqualTo(json.readTree(before).get("secret"));
    assertThatThrownBy(() -> webhooks.setEnabled("wh_1", true))
        .isInstanceOf(AdminFailure.class)
        .hasMessageContaining("its secret cannot be read");
    assertThat(new Webhooks(topic, codec, clock).get("wh_1").secret().reveal())
        .as("still readable with its own key")
        .isEqualTo("old-0123456789abcdef");
  }

  @Test
  void unknownWebhookIsAFailureNamingIt() {
    Webhooks webhooks = new Webhooks(topic, codec, clock);
    assertThatThrownBy(() -> webhooks.setEnabled("wh_nope", true))
        .isInstanceOf(AdminFailure.class)
        .hasMessage("no webhook wh_nope");
    assertThatThrownBy(() -> webhooks.delete("wh_nope")).hasMessage("no webhook wh_nope");
  }

  @Test
  void aWebhookWhoseRecordTheWorkersRefuseCanStillBeDeleted() {
    Webhooks webhooks = new Webhooks(topic, codec, clock);
    topic.write("wh_garbage", "{not a webhook".getBytes(StandardCharsets.UTF_8));
    assertThat(topic.read().get("wh_garbage")).isEmpty();

    webhooks.delete("wh_garbage");

    assertThat(topic.log.get(topic.log.size() - 1))
        .isEqualTo(new LogConfigTopic.Entry("wh_garbage", null));
    assertThatThrownBy(() -> webhooks.delete("wh_never_written"))
        .hasMessage("no webhook wh_never_written");
  }

  static Subscription renamed(Subscription s, String description) {
    return new Subscription(
        s.id(),
        s.spaceId(),
        s.url(),
        s.events(),
        s.enabled(),
        s.secret(),
        s.previousSecret(),
        s.previousSecretExpiresAt(),
        description,
        s.rateLimitPerSecond(),
        s.source());
  }

  static Subscription webhook(String id, SigningSecret secret) {
    return new Subscription(
        id,
        "space_42",
        URI.create("https://hooks.example.invalid/y42"),
        List.of(new EventPattern("job.*")),
        true,
        secret,
        null,
        null,
        "",
        null,
        null);
  }
}
