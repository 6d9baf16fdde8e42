package dev.fanout.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fanout.signing.SecretCipher;
import dev.fanout.signing.SigningSecret;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SubscriptionCodecTest {
  private static final String SECRET = "pl41n-t3xt-s3cr3t";
  private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SubscriptionCodec plain = new SubscriptionCodec(SecretCipher.none(), false);

  @Test
  void decodesValidSubscription() throws Exception {
    Subscription s =
        plain.decode(
            "wh_1",
            bytes(
                "{\"id\": \"wh_1\", \"space_id\": \"space_42\", \"url\":"
                    + " \"https://hooks.example.com/y42\", \"events\": [\"job.failed\","
                    + " \"orchestration.*\"], \"enabled\": true, \"description\": \"on-call"
                    + " pager\"}"));

    assertThat(s.id()).isEqualTo("wh_1");
    assertThat(s.spaceId()).isEqualTo("space_42");
    assertThat(s.url()).isEqualTo(URI.create("https://hooks.example.com/y42"));
    assertThat(s.events())
        .containsExactly(new EventPattern("job.failed"), new EventPattern("orchestration.*"));
    assertThat(s.enabled()).isTrue();
    assertThat(s.secret()).isNull();
    assertThat(s.description()).isEqualTo("on-call pager");
    assertThat(s.rateLimitPerSecond()).isNull();
    assertThat(s.matches("orchestration.finished")).isTrue();
    assertThat(s.matches("job.succeeded")).isFalse();
  }

  @Test
  void missingEnabledMeansEnabled() throws Exception {
    assertThat(plain.decode("wh_1", bytes(json(""))).enabled()).isTrue();
  }

  @Test
  void decodesDisabledSubscription() throws Exception {
    Subscription s = plain.decode("wh_1", bytes(json(", \"enabled\": false")));

    assertThat(s.enabled()).isFalse();
    assertThat(s.matches("job.failed")).isFalse();
  }

  @Test
  void nullKeySkipsTheKeyCheck() throws Exception {
    assertThat(plain.decode(null, bytes(json(""))).id()).isEqualTo("wh_1");
  }

  @Test
  void decodesPlainSecret() throws Exception {
    Subscription s = plain.decode("wh_1", bytes(json(", \"secret\": \"" + SECRET + "\"")));

    assertThat(s.secret().reveal()).isEqualTo(SECRET);
  }

  @Test
  void decodesEncryptedSecret() throws Exception {
    SecretCipher cipher = SecretCipher.parse("k1:" + KEY);
    SecretCipher.Encrypted encrypted = cipher.encrypt(new SigningSecret(SECRET), "wh_1");
    String secretJson =
        ", \"secret\": {\"key_id\": \"k1\", \"ciphertext\": \"" + encrypted.ciphertext() + "\"}";

    Subscription s = new SubscriptionCodec(cipher, true).decode("wh_1", bytes(json(secretJson)));

    assertThat(s.secret().reveal()).isEqualTo(SECRET);
  }

  @Test
  void decodesPreviousSecretWithExpiry() throws Exception {
    Subscription s =
        plain.decode(
            "wh_1",
            bytes(
                json(
                    ", \"secret\": \"new\", \"previous_secret\": \"old\","
                        + " \"previous_secret_expires_at\": \"2026-01-01T00:00:00Z\"")));

    assertThat(s.previousSecret().reveal()).isEqualTo("old");
    assertThat(s.previousSecretExpiresAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(s.previousSecretAt(Instant.parse("2025-12-31T23:59:59Z")).reveal()).isEqualTo("old");
    assertThat(s.previousSecretAt(Instant.parse("2026-01-01T00:00:00Z"))).isNull();
  }

  @Test
  void aPlainSecretWhenEncryptedSecretsAreRequiredFailsClosed() throws Exception {
    SubscriptionCodec strict = new SubscriptionCodec(SecretCipher.parse("k1:" + KEY), true);

    Subscription s = strict.decode("wh_1", bytes(json(", \"secret\": \"" + SECRET + "\"")));

    assertThat(s.secretProblem()).contains("require-encrypted-secrets").doesNotContain(SECRET);
    assertThat(s.secret().toString()).doesNotContain(SECRET);
    assertThatThrownBy(() -> s.secret().reveal()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void anEncryptedSecretCopiedFromAnotherWebhookFailsClosed() throws Exception {
    SecretCipher cipher = SecretCipher.parse("k1:" + KEY);
    SecretCipher.Encrypted forOther = cipher.encrypt(new SigningSecret(SECRET), "wh_other");
    String secretJson =
        ", \"secret\": {\"key_id\": \"k1\", \"ciphertext\": \"" + forOther.ciphertext() + "\"}";

    Subscription s = new SubscriptionCodec(cipher, false).decode("wh_1", bytes(json(secretJson)));

    assertThat(s.secretProblem())
        .startsWith("secret:")
        .doesNotContain(SECRET)
        .doesNotContain(forOther.ciphertext());
  }

  @Test
  void anEncryptedSecretUnderAKeyNoLongerConfiguredFailsClosed() throws Exception {
    String secretJson = ", \"secret\": {\"key_id\": \"k7\", \"ciphertext\": \"AAAA\"}";

    Subscription s = plain.decode("wh_1", bytes(json(secretJson)));

    assertThat(s.secretProblem()).contains("k7");
    assertThat(s.secret().problem()).isNotNull();
  }

  @Test
  void refusesEncryptedSecretWithoutKeyId() {
    String secretJson = ", \"secret\": {\"ciphertext\": \"AAAA\"}";

    assertThatThrownBy(() -> plain.decode("wh_1", bytes(json(secretJson))))
        .isInstanceOf(InvalidSubscriptionException.class)
        .hasMessageContaining("secret.key_id");
  }

  @Test
  void refusesSecretOfWrongType() {
    assertThatThrownBy(() -> plain.decode("wh_1", bytes(json(", \"secret\": 42"))))
        .isInstanceOf(InvalidSubscriptionException.class)
        .hasMessageContaining("secret is neither");
  }

  @Test
  void refusesEmptyPlainSecret() {
    assertThatThrownBy(() -> plain.decode("wh_1", bytes(json(", \"secret\": \"\""))))
        .isInstanceOf(InvalidSubscriptionException.class)
        .hasMessageContaining("secret is empty");
  }

  @Test
  void refusesRecordWhoseKeyDiffersFromId() {
    assertThatThrownBy(() -> plain.decode("wh_2", bytes(json(""))))
        .isInstanceOf(InvalidSubscriptionException.class)
        .hasMessageContaining("wh_2")
        .hasMessageContaining("wh_1");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ftp://hooks.example.com/y42",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "hooks.example.com/y42",
        "/relative/path",
        "gopher://hooks.example.com/"
      })
  void refusesUrlThatIsNotHttpOrHttps(String url) {
    assertThatThrownBy(() -> SubscriptionCodec.url(url))
        .isInstanceOf(InvalidSubscriptionException.class)
        .hasMessageContaining("http or https");
  }

  @Test
  void refusesUrlWithoutHost() {
    assertThatThrownBy(() -> SubscriptionCodec.url("https:///path"))
        .isInstanceOf(InvalidSubscriptionException.class)
        .hasMessageContaining("no host");
  }

  @Test
  void refusesUrlThatDoesNotParse() {
    assertThatThrownBy(() -> SubscriptionCodec.url("https://hooks example.com/"))
        .isInstanceOf(InvalidSubscriptionException.class)
        .hasMessageContaining("not a valid URL");
  }

  @Test
  void refusesUrlWithUserInfoWithoutEchoingIt() {
    InvalidSubscriptionException e =
        catchThrowableOfType(
            InvalidSubscriptionException.class,
            () -> SubscriptionCodec.url("https://admin:hunter2@hooks.example.com/y42"));

    assertThat(e).hasMessageContaining("user information");
    assertThat(e.getMessage()).doesNotContain("hunter2");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://0x7f000001/hook",
        "http://017700000001/hook",
        "http://2130706433/hook",
        "http://0177.0.0.1/hook",
        "http://012.0.0.1/hook",
        "http://127.1/hook",
        "http://127.0.0.01/hook",
        "http://0x7f.0.0.1/hook",
        "http://1.2.3.256/hook",
        "https://hooks.example.123/hook"
      })
  void refusesNumericHostsThatReadMoreThanOneWay(String url) {
    InvalidSubscriptionException e =
        catchThrowableOfType(InvalidSubscriptionException.class, () -> SubscriptionCodec.url(url));

    assertThat(e).hasMessageContaining("numeric address");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://127.0.0.1:8080/hook",
        "https://8.8.8.8/hook",
        "http://0.0.0.0/hook",
        "https://[::1]/hook",
        "https://0x7f.example.com/hook",
        "https://hooks.example.com/hook",
        "https://1password.com/hook"
      })
  void acceptsPlainAddressesAndNames(String url) throws Exception {
    assertThat(SubscriptionCodec.url(url).getHost()).isNotEmpty();
  }

  @Test
  void acceptsHttpAndHttpsInAnyCase() throws Exception {
    assertThat(SubscriptionCodec.url("HTTPS://hooks.example.com/y42").getHost())
        .isEqualTo("hooks.example.com");
    assertThat(SubscriptionCodec.url("http://127.0.0.1:8080/hook").getPort()).isEqualTo(8080);
  }

  @Test
  void refusesInvalidEventPattern() {
    String value =
        "{\"id\": \"wh_1\", \"space_id\": \"s\", \"url\": \"https://h.example.com/\","
            + " \"events\": [\"jo*b\"], \"secret\": \""
            + SECRET
            + "\"}";

    InvalidSubscriptionException e =
        catchThrowableOfType(
            InvalidSubscriptionException.class, () -> plain.decode("wh_1", bytes(value)));

    assertThat(e).hasMessageContaining("jo*b");
    assertThat(e.getMessage()).doesNotContain(SECRET);
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "\"job.failed\"", "[42]", "null"})
  void refusesEventsThatAreNotANonEmptyListOfStrings(String events) {
    String value =
        "{\"id\": \"wh_1\", \"space_id\": \"s\", \"url\": \"https://h.example.com/\","
            + " \"events\": "
            + events
            + "}";

    assertThatThrownBy(() -> plain.decode("wh_1", bytes(value)))
        .isInstanceOf(InvalidSubscriptionException.class)
        .hasMessageContaining("events");
  }

  @Test
  void refusesMissingEvents() {
    String value = "{\"id\": \"wh_1\", \"space_id\": \"s\", \"url\": \"https://h.example.com/\"}";

    assertThatThrownBy(() -> plain.decode("wh_1", bytes(value)))
        .isInstanceOf(InvalidSubscriptionException.class)
        .hasMessageContaining("events");
  }

  @ParameterizedTest
  @ValueSource(strings = {"id", "space_id", "url"})
  void refusesMissingRequiredField(String field) {
    String value = json(", \"secret\": \"" + SECRET + "\"").replace("\"" + field + "\"", "\"x\"");

    InvalidSubscriptionException e =
        catchThrowableOfType(
            InvalidSubscriptionException.class, () -> plain.decode(null, bytes(value)));

    assertThat(e).hasMessage(field + " must be a non-empty string");
  }

  @Test
  void refusesEnabledThatIsNotBoolean() {
    assertThatThrownBy(() -> plain.decode("wh_1", bytes(json(", \"enabled\": \"yes\""))))
        .isInstanceOf(InvalidSubscriptionException.class)
        .hasMessageContaining("enabled");
  }

  @Test
  void refusesBadPreviousSecretExpiry() {
    assertThatThrownBy(
            () ->
                plain.decode(
                    "wh_1", bytes(json(", \"previous_secret_expires_at\": \"next tuesday\""))))
        .isInstanceOf(InvalidSubscriptionException.class)
        .hasMessageContaining("previous_secret_expires_at");
  }

  @Test
  void decodesRateLimitPerSecond() throws Exception {
    Subscription s = plain.decode("wh_1", bytes(json(", \"rate_limit_per_second\": 25")));

    assertThat(s.rateLimitPerSecond()).isEqualTo(25);
  }

  @Test
  void nullRateLimitMeansNoLimit() throws Exception {
    Subscription s = plain.decode("wh_1", bytes(json(", \"rate_limit_per_second\": null")));

    assertThat(s.rateLimitPerSecond()).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"0", "-1", "1.5", "2.0", "\"10\"", "true", "[5]", "3000000000", "4294967301"})
  void refusesRateLimitThatIsNotAWholeNumberAboveZero(String rate) {
    assertThatThrownBy(
            () -> plain.decode("wh_1", bytes(json(", \"rate_limit_per_second\": " + rate))))
        .isInstanceOf(InvalidSubscriptionException.class)
        .hasMessageContaining("rate_limit_per_second");
  }

  @Test
  void describeShowsTheRateLimitOnlyWhenSet() throws Exception {
    Subscription limited = plain.decode("wh_1", bytes(json(", \"rate_limit_per_second\": 5")));
    Subscription unlimited = plain.decode("wh_1", bytes(json("")));

    assertThat(SubscriptionCodec.describe(limited).get("rate_limit_per_second").asInt())
        .isEqualTo(5);
    assertThat(SubscriptionCodec.describe(unlimited).has("rate_limit_per_second")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"not json", "[1,2]", "\"text\"", ""})
  void refusesValueThatIsNotAJsonObject(String value) {
    assertThatThrownBy(() -> plain.decode("wh_1", bytes(value)))
        .isInstanceOf(InvalidSubscriptionException.class);
  }

  @Test
  void errorMessagesNeverContainThePlainSecret() {
    List<String> broken =
        List.of(
            json(", \"secret\": \"" + SECRET + "\", \"enabled\": 1"),
            json(", \"secret\": \"" + SECRET + "\", \"previous_secret\": 7"),
            json(", \"secret\": \"" + SECRET + "\", \"previous_secret_expires_at\": \"x\""),
            json(", \"previous_secret\": \"" + SECRET + "\", \"secret\": {\"key_id\": \"k\"}"));

    for (String value : broken) {
      InvalidSubscriptionException e =
          catchThrowableOfType(
              InvalidSubscriptionException.class, () -> plain.decode("wh_1", bytes(value)));
      assertThat(e).as(value).isNotNull();
      assertThat(e.getMessage()).doesNotContain(SECRET);
    }
  }

  @Test
  void encodeWithKeyStoresEncryptedSecretThatDecodesBack() throws Exception {
    SubscriptionCodec codec = new SubscriptionCodec(SecretCipher.parse("k1:" + KEY), true);

    byte[] value =
        codec.encode(
            "wh_9",
            "space_1",
            URI.create("https://h.example.com/x"),
            List.of("job.*"),
            true,
            new SigningSecret(SECRET),
            "pager");

    assertThat(new String(value, StandardCharsets.UTF_8)).doesNotContain(SECRET);
    JsonNode tree = JSON.readTree(value);
    assertThat(tree.get("secret").get("key_id").asText()).isEqualTo("k1");
    Subscription back = codec.decode("wh_9", value);
    assertThat(back.secret().reveal()).isEqualTo(SECRET);
    assertThat(back.events()).containsExactly(new EventPattern("job.*"));
    assertThat(back.description()).isEqualTo("pager");
  }

  @Test
  void encodeWithoutKeyStoresPlainSecret() throws Exception {
    byte[] value =
        plain.encode(
            "wh_9",
            "space_1",
            URI.create("https://h.example.com/x"),
            List.of("*"),
            false,
            new SigningSecret(SECRET),
            null);

    assertThat(JSON.readTree(value).get("secret").asText()).isEqualTo(SECRET);
    assertThat(plain.decode("wh_9", value).enabled()).isFalse();
  }

  @Test
  void withEnabledKeepsUnknownFieldsAndChangesOnlyEnabledAndTheVersion() throws Exception {
    String original =
        "{\"id\": \"wh_1\", \"space_id\": \"s\", \"url\": \"https://h.example.com/\","
            + " \"events\": [\"job.failed\"], \"enabled\": true, \"secret\": \"sec\","
            + " \"future_field\": {\"nested\": [1, 2]}, \"owner\": \"team-a\"}";
    Subscription s = plain.decode("wh_1", bytes(original));

    byte[] disabled = plain.withEnabled(s, false);

    JsonNode expected = JSON.readTree(original);
    ((ObjectNode) expected).put("enabled", false);
    ((ObjectNode) expected).put("version", 1); // made from an unversioned record: version 0
    assertThat(JSON.readTree(disabled)).isEqualTo(expected);
    assertThat(plain.decode("wh_1", disabled).enabled()).isFalse();
  }

  @Test
  void describeShowsWhetherSignedButNotTheSecret() throws Exception {
    Subscription s = plain.decode("wh_1", bytes(json(", \"secret\": \"" + SECRET + "\"")));

    JsonNode described = SubscriptionCodec.describe(s);

    assertThat(described.get("signed").asBoolean()).isTrue();
    assertThat(described.toString()).doesNotContain(SECRET);
    assertThat(s.toString()).doesNotContain(SECRET);
  }

  private static String json(String extraFields) {
    return "{\"id\": \"wh_1\", \"space_id\": \"space_42\", \"url\": \"https://h.example.com/y\","
        + " \"events\": [\"job.failed\"]"
        + extraFields
        + "}";
  }

  private static byte[] bytes(String text) throws IOException {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
