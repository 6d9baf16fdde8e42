package dev.fanout.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.signing.SecretCipher;
import dev.fanout.signing.SigningSecret;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link SubscriptionCodec#encode(Subscription, long, Instant)}: the whole record from the model.
 */
class SubscriptionEncodeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
  private static final String K1 = "k1:" + Base64.getEncoder().encodeToString(new byte[32]);

  private final SubscriptionCodec codec = new SubscriptionCodec(SecretCipher.parse(K1));

  @Test
  void writesEveryFieldOfTheModelAndReadsBackTheSame() throws Exception {
    Subscription s =
        new Subscription(
            "wh_1",
            "space_42",
            URI.create("https://hooks.example.invalid/y42"),
            List.of(new EventPattern("job.failed"), new EventPattern("orchestration.*")),
            false,
            new SigningSecret("current-0123456789abcdef"),
            new SigningSecret("previous-0123456789abcdef"),
            T0.plusSeconds(60),
            "pager",
            7,
            null);

    byte[] value = codec.encode(s, 5, T0);
    Subscription read = codec.decode("wh_1", value);

    assertThat(read.spaceId()).isEqualTo("space_42");
    assertThat(read.url()).isEqualTo(s.url());
    assertThat(read.events()).isEqualTo(s.events());
    assertThat(read.enabled()).isFalse();
    assertThat(read.secret().reveal()).isEqualTo("current-0123456789abcdef");
    assertThat(read.previousSecret().reveal()).isEqualTo("previous-0123456789abcdef");
    assertThat(read.previousSecretExpiresAt()).isEqualTo(T0.plusSeconds(60));
    assertThat(read.description()).isEqualTo("pager");
    assertThat(read.rateLimitPerSecond()).isEqualTo(7);
    assertThat(SubscriptionCodec.version(value)).isEqualTo(5);
    assertThat(SubscriptionCodec.secretCreatedAt(value)).isEqualTo(T0);
    assertThat(SubscriptionCodec.secretKeyIds(value)).containsExactly("k1", "k1");
    String text = new String(value, StandardCharsets.UTF_8);
    assertThat(text).doesNotContain("current-0123456789abcdef").doesNotContain("\"previous\"");
  }

  @Test
  void keepsFieldsItDoesNotKnowAndTheSecretDateWhenNotGivenOne() throws Exception {
    byte[] stored =
        codec.encode(
            new Subscription(
                "wh_1",
                "s",
                URI.create("https://a.invalid/"),
                List.of(new EventPattern("*")),
                true,
                new SigningSecret("x-0123456789abcdef"),
                null,
                null,
                "",
                3,
                null),
            1,
            T0);
    JsonNode withExtra = JSON.readTree(stored);
    ((com.fasterxml.jackson.databind.node.ObjectNode) withExtra).put("team", "data");
    Subscription read = codec.decode("wh_1", JSON.writeValueAsBytes(withExtra));
    Subscription changed =
        new Subscription(
            read.id(),
            read.spaceId(),
            URI.create("https://b.invalid/"),
            read.events(),
            read.enabled(),
            read.secret(),
            null,
            null,
            "",
            null,
            read.source());

    JsonNode written = JSON.readTree(codec.encode(changed, 2, null));

    assertThat(written.get("team").asText()).isEqualTo("data");
    assertThat(written.get("url").asText()).isEqualTo("https://b.invalid/");
    assertThat(written.get("secret_created_at").asText()).isEqualTo(T0.toString());
    assertThat(written.has("rate_limit_per_second")).as("removed in the model").isFalse();
    assertThat(written.has("description")).isFalse();
  }

  @Test
  void aWebhookWithoutASecretHasNoSecretDate() {
    Subscription unsigned =
        new Subscription(
            "wh_1",
            "s",
            URI.create("https://a.invalid/"),
            List.of(new EventPattern("*")),
            true,
            null,
            null,
            null,
            "",
            null,
            "{\"secret_created_at\":\"2026-01-01T00:00:00Z\"}".getBytes(StandardCharsets.UTF_8));

    byte[] value = codec.encode(unsigned, 2, null);

    assertThat(SubscriptionCodec.secretCreatedAt(value)).isNull();
    assertThat(SubscriptionCodec.secretKeyIds(value)).isEmpty();
  }

  @Test
  void refusesToWriteASecretItCannotRead() {
    Subscription s =
        new Subscription(
            "wh_1",
            "s",
            URI.create("https://a.invalid/"),
            List.of(new EventPattern("*")),
            true,
            SigningSecret.unavailable("key k9 is not known"),
            null,
            null,
            "",
            null,
            null);

    assertThatThrownBy(() -> codec.encode(s, 2, null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("key k9 is not known");
  }

  @Test
  void anOldRecordHasNoSecretDate() {
    assertThat(
            SubscriptionCodec.secretCreatedAt(
                "{\"id\":\"wh_1\",\"secret\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
        .isNull();
    assertThat(
            SubscriptionCodec.secretKeyIds(
                "{\"id\":\"wh_1\",\"secret\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
        .containsExactly((String) null);
  }
}
