package dev.fanout.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fanout.signing.LegacyCiphertext;
import dev.fanout.signing.RecordMac;
import dev.fanout.signing.SecretCipher;
import dev.fanout.signing.SigningSecret;
import dev.fanout.subscription.Subscription;
import dev.fanout.subscription.SubscriptionCodec;
import dev.fanout.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretReencryptionTest {
  private static final String K1 = "k1:" + key(1);
  private static final String K2 = "k2:" + key(2);
  private static final String K9 = "k9:" + key(9);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T10:00:00Z"));
  private final LogConfigTopic topic =
      new LogConfigTopic(new SubscriptionCodec(SecretCipher.none()));

  @Test
  void movesEverySecretNotUnderTheFirstKeyAndLeavesTheRest() {
    Webhooks before = webhooks(K1);
    before.add(WebhooksTest.webhook("wh_a", new SigningSecret("a-0123456789abcdef")));
    before.add(WebhooksTest.webhook("wh_b", null));
    before.rotateSecret("wh_a", new SigningSecret("a2-0123456789abcdef"), Duration.ofHours(1));
    topic.write(
        "wh_plain",
        ("{\"id\":\"wh_plain\",\"space_id\":\"s\",\"url\":\"https://x.invalid/\",\"events\":[\"*\"],"
                + "\"secret\":\"p-0123456789abcdef\",\"color\":\"blue\"}")
            .getBytes(StandardCharsets.UTF_8));
    webhooks(K2).add(WebhooksTest.webhook("wh_new", new SigningSecret("n-0123456789abcdef")));
    webhooks(K9).add(WebhooksTest.webhook("wh_lost", new SigningSecret("l-0123456789abcdef")));
    Webhooks webhooks = webhooks(K2 + "," + K1);
    LogConfigTopic.Entry newBefore = last("wh_new");

    SecretReencryption.Report report = new SecretReencryption(webhooks).run(false);

    assertThat(report.changed()).containsExactly("wh_a", "wh_plain");
    assertThat(report.unreadable()).containsOnlyKeys("wh_lost");
    assertThat(report.conflicts()).isEmpty();
    Subscription a = webhooks.get("wh_a");
    assertThat(SubscriptionCodec.secretKeyIds(a.source())).containsExactly("k2", "k2");
    assertThat(a.secret().reveal()).isEqualTo("a2-0123456789abcdef");
    assertThat(a.previousSecret().reveal()).isEqualTo("a-0123456789abcdef");
    assertThat(SubscriptionCodec.version(a.source())).isEqualTo(3);
    Subscription plain = webhooks.get("wh_plain");
    assertThat(SubscriptionCodec.secretKeyIds(plain.source())).containsExactly("k2");
    assertThat(new String(plain.source(), StandardCharsets.UTF_8)).contains("\"color\":\"blue\"");
    assertThat(last("wh_new")).isSameAs(newBefore);
  }

  @Test
  void aDryRunReportsAndWritesNothing() {
    webhooks(K1).add(WebhooksTest.webhook("wh_a", new SigningSecret("a-0123456789abcdef")));
    List<LogConfigTopic.Entry> before = List.copyOf(topic.log);

    SecretReencryption.Report report = new SecretReencryption(webhooks(K2 + "," + K1)).run(true);

    assertThat(report.changed()).containsExactly("wh_a");
    assertThat(topic.log).isEqualTo(before);
  }

  @Test
  void upgradesASecretBoundToItsIdOnlyAndSignsARecordThatCarriesNoMac() throws Exception {
    String legacy = LegacyCiphertext.of(key(1), "wh_old", "old-release-secret-0123");
    topic.write(
        "wh_old",
        ("{\"id\":\"wh_old\",\"space_id\":\"s\",\"url\":\"https://x.invalid/\","
                + "\"events\":[\"*\"],\"secret\":{\"key_id\":\"k1\",\"ciphertext\":\""
                + legacy
                + "\"}}")
            .getBytes(StandardCharsets.UTF_8));
    webhooks(K1).add(WebhooksTest.webhook("wh_unsigned", new SigningSecret("u-0123456789abcdef")));
    SubscriptionCodec signing =
        new SubscriptionCodec(
            SecretCipher.parse(K1),
            RecordMac.parse("c1:" + key(7)),
            new SubscriptionCodec.Policy(true, true, false));
    Webhooks webhooks = new Webhooks(topic.readWith(signing), signing, clock);

    SecretReencryption.Report report = new SecretReencryption(webhooks).run(false);

    assertThat(report.changed()).containsExactly("wh_old", "wh_unsigned");
    for (String id : List.of("wh_old", "wh_unsigned")) {
      assertThat(signing.notices(webhooks.get(id))).as(id).isEmpty();
    }
    assertThat(webhooks.get("wh_old").secret().reveal()).isEqualTo("old-release-secret-0123");
    assertThat(new String(webhooks.get("wh_old").source(), StandardCharsets.UTF_8))
        .contains("\"aad\":2")
        .contains("\"mac\":");
    assertThat(new SecretReencryption(webhooks).run(false).changed()).isEmpty();
  }

  @Test
  void dropsAPreviousSecretWhoseGracePeriodIsOverEvenUnderAKeyThatIsGone() throws Exception {
    spliceUnreadablePrevious("wh_x", Duration.ofHours(1));
    Webhooks webhooks = webhooks(K2);
    assertThat(new SecretReencryption(webhooks).run(true).unreadable())
        .as("in its grace period the previous secret still signs, so it must be read")
        .containsOnlyKeys("wh_x");

    clock.advance(Duration.ofHours(2));
    SecretReencryption.Report report = new SecretReencryption(webhooks).run(false);

    assertThat(report.unreadable()).isEmpty();
    assertThat(report.changed()).containsExactly("wh_x");
    Subscription x = webhooks.get("wh_x");
    assertThat(x.previousSecret()).isNull();
    assertThat(x.secret().reveal()).isEqualTo("x-new-0123456789ab");
    assertThat(SubscriptionCodec.secretKeyIds(x.source())).containsExactly("k2");
  }

  /**
   * A record of another writer: its secret under k2, its previous secret (expiring after {@code
   * grace}) under k9, which the services here do not know.
   */
  private void spliceUnreadablePrevious(String id, Duration grace) throws Exception {
    Webhooks old = webhooks(K9);
    old.add(WebhooksTest.webhook(id, new SigningSecret("x-old-0123456789ab")));
    old.rotateSecret(id, new SigningSecret("x-new-0123456789ab"), grace);
    ObjectMapper json = new ObjectMapper();
    ObjectNode record = (ObjectNode) json.readTree(last(id).value());
    SubscriptionCodec k2 = new SubscriptionCodec(SecretCipher.parse(K2));
    byte[] current =
        k2.encode(WebhooksTest.webhook(id, new SigningSecret("x-new-0123456789ab")), 3, null);
    record.set("secret", json.readTree(current).get("secret"));
    record.put("version", 3);
    topic.write(id, json.writeValueAsBytes(record));
  }

  @Test
  void refusesWithoutAKey() {
    Webhooks webhooks = webhooks("");
    assertThatThrownBy(() -> new SecretReencryption(webhooks).run(false))
        .isInstanceOf(AdminFailure.class)
        .hasMessage("FANOUT_SECRET_KEYS holds no key: there is no key to re-encrypt secrets under");
  }

  private LogConfigTopic.Entry last(String id) {
    return topic.log.stream().filter(e -> e.key().equals(id)).reduce((x, y) -> y).orElseThrow();
  }

  /**
   * The service with these keys, reading the shared log with them too, and reading secrets stored
   * in the clear as {@code secrets reencrypt} does.
   */
  private Webhooks webhooks(String keys) {
    SubscriptionCodec codec =
        new SubscriptionCodec(
            SecretCipher.parse(keys),
            RecordMac.none(),
            new SubscriptionCodec.Policy(true, true, false));
    return new Webhooks(topic.readWith(codec), codec, clock);
  }

  private static String key(int fill) {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) fill);
    return Base64.getEncoder().encodeToString(key);
  }
}
