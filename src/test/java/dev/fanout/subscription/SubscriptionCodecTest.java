package dev.fanout.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fanout.signing.RecordMac;
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

  /**
   * Whether a webhook can be signed for is asked at a time; these secrets' answer never changes.
   */
  private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

  private static final SecretCipher.Binding WH_1 =
      new SecretCipher.Binding("wh_1", "space_42", "https://h.example.com/y");
  private static final SubscriptionCodec.Policy PLAINTEXT_ALLOWED =
      new SubscriptionCodec.Policy(true, true, false);

  /** Plaintext is the point of most tests here: they are about fields, not secret storage. */
  private final SubscriptionCodec plain =
      new SubscriptionCodec(SecretCipher.none(), RecordMac.none(), PLAINTEXT_ALLOWED);

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
    SecretCipher.Encrypted encrypted = cipher.encrypt(new SigningSecret(SECRET), WH_1);
    String secretJson =
        ", \"secret\": {\"key_id\": \"k1\", \"ciphertext\": \""
            + encrypted.ciphertext()
            + "\", \"aad\": 2}";

    Subscription s = new SubscriptionCodec(cipher).decode("wh_1", bytes(json(secretJson)));

    assertThat(s.secret().reveal()).isEqualTo(SECRET);
  }

  @Test
  void decodesPreviousSecretWithExpiry() throws Exception {
    Subscription s =
        plain.decode(
            "wh_1",
            bytes(
                json(
                    ", \"secret\": \"new-secret-0123456\", \"previous_secret\":"
                        + " \"old-secret-0123456\","
                        + " \"previous_secret_expires_at\": \"2026-01-01T00:00:00Z\"")));

    assertThat(s.previousSecret().reveal()).isEqualTo("old-secret-0123456");
    assertThat(s.previousSecretExpiresAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(s.previousSecretAt(Instant.parse("2025-12-31T23:59:59Z")).reveal())
        .isEqualTo("old-secret-0123456");
    assertThat(s.previousSecretAt(Instant.parse("2026-01-01T00:00:00Z"))).isNull();
  }

  @Test
  void aPlainSecretWhenEncryptedSecretsAreRequiredFailsClosed() throws Exception {
    SubscriptionCodec strict = new SubscriptionCodec(SecretCipher.parse("k1:" + KEY));

    Subscription s = strict.decode("wh_1", bytes(json(", \"secret\": \"" + SECRET + "\"")));

    assertThat(s.secretProblem(NOW))
        .isEqualTo(
            "secret is stored in the clear and security.allow-plaintext-secrets=false; write it"
                + " again with a key in FANOUT_SECRET_KEYS");
    assertThat(s.secret().toString()).doesNotContain(SECRET);
    assertThatThrownBy(() -> s.secret().reveal()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void anEncryptedSecretCopiedFromAnotherWebhookFailsClosed() throws Exception {
    SecretCipher cipher = SecretCipher.parse("k1:" + KEY);
    SecretCipher.Encrypted forOther =
        cipher.encrypt(
            new SigningSecret(SECRET),
            new SecretCipher.Binding("wh_other", WH_1.spaceId(), WH_1.url()));
    String secretJson =
        ", \"secret\": {\"key_id\": \"k1\", \"ciphertext\": \""
            + forOther.ciphertext()
            + "\", \"aad\": 2}";

    Subscription s = new SubscriptionCodec(cipher).decode("wh_1", bytes(json(secretJson)));

    assertThat(s.secretProblem(NOW))
        .startsWith("secret:")
        .doesNotContain(SECRET)
        .doesNotContain(forOther.ciphertext());
  }

  @Test
  void anEncryptedSecretUnderAKeyNoLongerConfiguredFailsClosed() throws Exception {
    String secretJson = ", \"secret\": {\"key_id\": \"k7\", \"ciphertext\": \"AAAA\"}";

    Subscription s = plain.decode("wh_1", bytes(json(secretJson)));

    assertThat(s.secretProblem(NOW)).contains("k7");
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
    SubscriptionCodec codec = new SubscriptionCodec(SecretCipher.parse("k1:" + KEY));

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
            + " \"events\": [\"job.failed\"], \"enabled\": true, \"secret\": \"sec-0123456789abc\","
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

  // --- Secure by default: no secret in the clear unless allowed ----------------------------------

  @Test
  void encodeWithoutKeyRefusesASecretByDefaultNamingTheKeysAndTheSetting() {
    SubscriptionCodec defaults =
        new SubscriptionCodec(
            SecretCipher.none(), RecordMac.none(), SubscriptionCodec.Policy.DEFAULTS);

    assertThatThrownBy(() -> encode(defaults, new SigningSecret(SECRET)))
        .isInstanceOf(SubscriptionRefusedException.class)
        .hasMessageContaining("FANOUT_SECRET_KEYS")
        .hasMessageContaining("security.allow-plaintext-secrets=true")
        .hasMessageNotContaining(SECRET);
    // The older constructor keeps the secure default whatever its flag says.
    assertThatThrownBy(
            () -> encode(new SubscriptionCodec(SecretCipher.none()), new SigningSecret(SECRET)))
        .isInstanceOf(SubscriptionRefusedException.class);
  }

  @Test
  void encodeWithoutKeyStillWritesAnUnsignedWebhook() throws Exception {
    SubscriptionCodec defaults = new SubscriptionCodec(SecretCipher.none());

    byte[] value = encode(defaults, null);

    assertThat(JSON.readTree(value).has("secret")).isFalse();
    assertThat(defaults.decode("wh_9", value).secret()).isNull();
  }

  @Test
  void aPlainSecretReadWhileAllowedIsUsedAndNoticed() throws Exception {
    SubscriptionCodec.Read read =
        plain.read("wh_1", bytes(json(", \"secret\": \"" + SECRET + "\"")));

    assertThat(read.subscription().secret().reveal()).isEqualTo(SECRET);
    assertThat(read.notices()).containsExactly(SubscriptionCodec.Notice.PLAINTEXT_SECRET);
  }

  // --- Ciphertexts bound to id, space and URL ----------------------------------------------------

  @Test
  void encodeBindsTheSecretToItsIdSpaceAndUrlAndMarksTheBinding() throws Exception {
    SubscriptionCodec codec = new SubscriptionCodec(SecretCipher.parse("k1:" + KEY));

    JsonNode secret = JSON.readTree(encode(codec, new SigningSecret(SECRET))).get("secret");

    assertThat(secret.get("aad").asInt()).isEqualTo(2);
    SecretCipher.Encrypted encrypted =
        new SecretCipher.Encrypted("k1", secret.get("ciphertext").asText());
    assertThat(
            SecretCipher.parse("k1:" + KEY)
                .decrypt(
                    encrypted,
                    new SecretCipher.Binding("wh_9", "space_1", "https://h.example.com/x"))
                .reveal())
        .isEqualTo(SECRET);
  }

  @ParameterizedTest
  @ValueSource(strings = {"url", "space_id"})
  void aRecordRepointedWithoutTheKeyFailsClosed(String field) throws Exception {
    SubscriptionCodec codec = new SubscriptionCodec(SecretCipher.parse("k1:" + KEY));
    ObjectNode forged = (ObjectNode) JSON.readTree(encode(codec, new SigningSecret(SECRET)));
    forged.put(field, field.equals("url") ? "https://attacker.example/steal" : "space_evil");

    Subscription s = codec.decode("wh_9", JSON.writeValueAsBytes(forged));

    assertThat(s.secretProblem(NOW))
        .startsWith("secret: secret ciphertext does not decrypt with key k1")
        .doesNotContain(SECRET);
  }

  @Test
  void anOlderReleasesIdOnlyCiphertextIsUsedWhileAcceptedAndNoticed() throws Exception {
    String value = json(legacySecret("wh_1"));
    SubscriptionCodec accepting =
        new SubscriptionCodec(
            SecretCipher.parse("k1:" + KEY), RecordMac.none(), SubscriptionCodec.Policy.DEFAULTS);

    SubscriptionCodec.Read read = accepting.read("wh_1", bytes(value));

    assertThat(read.subscription().secret().reveal()).isEqualTo(SECRET);
    assertThat(read.notices()).containsExactly(SubscriptionCodec.Notice.LEGACY_SECRET_BINDING);
  }

  @Test
  void anOlderReleasesIdOnlyCiphertextFailsClosedOnceNoLongerAccepted() throws Exception {
    SubscriptionCodec refusing =
        new SubscriptionCodec(
            SecretCipher.parse("k1:" + KEY),
            RecordMac.none(),
            new SubscriptionCodec.Policy(false, false, false));

    Subscription s = refusing.decode("wh_1", bytes(json(legacySecret("wh_1"))));

    assertThat(s.secretProblem(NOW))
        .isEqualTo(
            "secret is bound to the webhook id only (an older release wrote it) and"
                + " security.accept-legacy-secret-binding=false; run fanout secrets reencrypt");
  }

  @Test
  void aBindingOfAFutureReleaseFailsClosed() throws Exception {
    String value =
        json(
            ", \"secret\": {\"key_id\": \"k1\", \"ciphertext\": \"AAAAAAAAAAAAAAAAAAAA\", \"aad\": 3}");

    Subscription s =
        new SubscriptionCodec(SecretCipher.parse("k1:" + KEY)).decode("wh_1", bytes(value));

    assertThat(s.secretProblem(NOW)).isEqualTo("secret.aad 3 is not a binding this release knows");
  }

  // --- Secret strength ---------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"short-secret", "whsec_c2hvcnQ=", "whsec_not*base64*at*all*but*long"})
  void encodeRefusesAWeakOrMalformedSecret(String weak) {
    SubscriptionCodec codec = new SubscriptionCodec(SecretCipher.parse("k1:" + KEY));

    assertThatThrownBy(() -> encode(codec, new SigningSecret(weak)))
        .isInstanceOf(SubscriptionRefusedException.class)
        .hasMessageStartingWith("the secret is refused: ")
        .hasMessageNotContaining(weak);
  }

  @Test
  void aRecordWithAWeakPlainSecretIsInvalid() {
    InvalidSubscriptionException e =
        catchThrowableOfType(
            InvalidSubscriptionException.class,
            () -> plain.decode("wh_1", bytes(json(", \"secret\": \"hunter2\""))));

    assertThat(e.kind()).isEqualTo(InvalidSubscriptionException.Kind.WEAK_SECRET);
    assertThat(e)
        .hasMessage(
            "secret cannot be signed with safely: a secret must be at least 16 characters long (or"
                + " whsec_ and base64 of 24 bytes or more), and this one has 7");
  }

  @Test
  void aRecordWithAWeakEncryptedPreviousSecretIsInvalid() {
    SecretCipher cipher = SecretCipher.parse("k1:" + KEY);
    SecretCipher.Encrypted weak = cipher.encrypt(new SigningSecret("whsec_c2hvcnQ="), WH_1);
    String value =
        json(
            ", \"secret\": \""
                + SECRET
                + "\", \"previous_secret\": {\"key_id\": \"k1\", \"ciphertext\": \""
                + weak.ciphertext()
                + "\", \"aad\": 2}");

    InvalidSubscriptionException e =
        catchThrowableOfType(
            InvalidSubscriptionException.class,
            () ->
                new SubscriptionCodec(cipher, RecordMac.none(), PLAINTEXT_ALLOWED)
                    .decode("wh_1", bytes(value)));

    assertThat(e.kind()).isEqualTo(InvalidSubscriptionException.Kind.WEAK_SECRET);
    assertThat(e).hasMessageStartingWith("previous_secret cannot be signed with safely: a whsec_");
  }

  // --- Authenticated records ---------------------------------------------------------------------

  @Test
  void withConfigKeysEveryRecordWrittenCarriesAMacOverItsCanonicalForm() throws Exception {
    SubscriptionCodec codec = authenticated(true);

    ObjectNode record = (ObjectNode) JSON.readTree(encode(codec, new SigningSecret(SECRET)));

    JsonNode mac = record.remove("mac");
    assertThat(mac.get("key_id").asText()).isEqualTo("c1");
    javax.crypto.Mac hmac = javax.crypto.Mac.getInstance("HmacSHA256");
    hmac.init(new javax.crypto.spec.SecretKeySpec(new byte[32], "HmacSHA256"));
    String canonical =
        "fanout.config.v1\n"
            + "{\"description\":\"pager\",\"enabled\":true,\"events\":[\"job.*\"],\"id\":\"wh_9\","
            + "\"secret\":{\"aad\":2,\"ciphertext\":\""
            + record.get("secret").get("ciphertext").asText()
            + "\",\"key_id\":\"k1\"},\"space_id\":\"space_1\",\"url\":\"https://h.example.com/x\","
            + "\"version\":1}";
    assertThat(mac.get("hmac_sha256").asText())
        .isEqualTo(
            Base64.getEncoder()
                .encodeToString(hmac.doFinal(canonical.getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void aSignedRecordVerifiesWhateverTheOrderOfItsFields() throws Exception {
    SubscriptionCodec codec = authenticated(true);
    ObjectNode record = (ObjectNode) JSON.readTree(encode(codec, new SigningSecret(SECRET)));
    ObjectNode reordered = JSON.createObjectNode();
    List<String> names = new java.util.ArrayList<>();
    record.fieldNames().forEachRemaining(names::add);
    java.util.Collections.reverse(names);
    names.forEach(n -> reordered.set(n, record.get(n)));

    SubscriptionCodec.Read read =
        codec.read("wh_9", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(reordered));

    assertThat(read.subscription().secret().reveal()).isEqualTo(SECRET);
    assertThat(read.notices()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"url", "space_id", "enabled", "mac.hmac_sha256", "mac.key_id", "mac"})
  void aRecordChangedOrUnsignedIsRefusedWhenAuthenticationIsRequired(String change)
      throws Exception {
    SubscriptionCodec codec = authenticated(true);
    ObjectNode record = (ObjectNode) JSON.readTree(encode(codec, null));
    switch (change) {
      case "url" -> record.put("url", "https://attacker.example/");
      case "space_id" -> record.put("space_id", "space_evil");
      case "enabled" -> record.put("enabled", false);
      case "mac.hmac_sha256" -> ((ObjectNode) record.get("mac")).put("hmac_sha256", "AAAA");
      case "mac.key_id" -> ((ObjectNode) record.get("mac")).put("key_id", "c9");
      default -> record.remove("mac");
    }

    InvalidSubscriptionException e =
        catchThrowableOfType(
            InvalidSubscriptionException.class,
            () -> codec.decode("wh_9", JSON.writeValueAsBytes(record)));

    assertThat(e.kind()).isEqualTo(InvalidSubscriptionException.Kind.UNAUTHENTICATED);
    assertThat(e.getMessage())
        .isEqualTo(
            switch (change) {
                  case "mac.key_id" -> "MAC key id 'c9' is not configured in FANOUT_CONFIG_KEYS";
                  case "mac" -> "record carries no MAC";
                  default -> "MAC does not match the record (key c1)";
                }
                + " and security.require-authenticated-config=true");
  }

  @Test
  void anUnsignedRecordIsAcceptedAndNoticedWhileAuthenticationIsNotRequired() throws Exception {
    SubscriptionCodec.Read read = authenticated(false).read("wh_1", bytes(json("")));

    assertThat(read.notices()).containsExactly(SubscriptionCodec.Notice.UNAUTHENTICATED);
    assertThat(read.authenticationProblem()).isEqualTo("record carries no MAC");
  }

  @Test
  void rewritesOfASignedRecordAreSignedAgain() throws Exception {
    SubscriptionCodec codec = authenticated(true);
    Subscription s = codec.decode("wh_9", encode(codec, null));

    byte[] disabled = codec.withEnabled(s, false);
    byte[] limited = codec.withRateLimit(disabled, 5);
    byte[] reversioned = codec.withVersion(limited, 9);

    assertThat(codec.decode("wh_9", disabled).enabled()).isFalse();
    assertThat(codec.decode("wh_9", limited).rateLimitPerSecond()).isEqualTo(5);
    assertThat(SubscriptionCodec.version(reversioned)).isEqualTo(9);
    assertThat(codec.decode("wh_9", reversioned).rateLimitPerSecond()).isEqualTo(5);
  }

  @Test
  void requiringAuthenticationWithoutAKeyIsRefused() {
    assertThatThrownBy(
            () ->
                new SubscriptionCodec(
                    SecretCipher.none(),
                    RecordMac.none(),
                    new SubscriptionCodec.Policy(false, true, true)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "security.require-authenticated-config=true but FANOUT_CONFIG_KEYS holds no key");
  }

  private static SubscriptionCodec authenticated(boolean required) {
    return new SubscriptionCodec(
        SecretCipher.parse("k1:" + KEY),
        RecordMac.parse("c1:" + KEY),
        new SubscriptionCodec.Policy(false, true, required));
  }

  private static byte[] encode(SubscriptionCodec codec, SigningSecret secret) {
    return codec.encode(
        "wh_9",
        "space_1",
        URI.create("https://h.example.com/x"),
        List.of("job.*"),
        true,
        secret,
        "pager");
  }

  /** A secret field as releases before the space and URL were bound wrote it. */
  private static String legacySecret(String webhookId) throws Exception {
    return ", \"secret\": {\"key_id\": \"k1\", \"ciphertext\": \""
        + dev.fanout.signing.LegacyCiphertext.of(KEY, webhookId, SECRET)
        + "\"}";
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
