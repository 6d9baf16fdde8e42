package dev.fanout.subscription;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fanout.config.FanoutConfig;
import dev.fanout.signing.RecordMac;
import dev.fanout.signing.SecretCipher;
import dev.fanout.signing.SigningSecret;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads and writes the subscription JSON of the config topic:
 *
 * <pre>
 * {"id": "wh_1", "space_id": "space_42", "url": "https://hooks.example.com/y42",
 *  "events": ["job.failed", "orchestration.*"], "enabled": true,
 *  "secret": {"key_id": "k1", "ciphertext": "&lt;base64&gt;", "aad": 2}, "description": "on-call pager",
 *  "version": 3, "mac": {"key_id": "c1", "hmac_sha256": "&lt;base64&gt;"}}
 * </pre>
 *
 * Every secret written passes through {@link #secretNode}: it must be strong enough ({@link
 * SigningSecret#weakness}), and it is encrypted bound to the webhook's id, space and URL, or stored
 * in the clear only when the {@link Policy} allows. Every record written passes through {@link
 * #write}, which adds a MAC ({@link ConfigRecordMac}) when config keys are configured. Reading
 * applies the same policy: see {@link StoredSecrets} and {@link #read}. Thread-safe.
 */
public final class SubscriptionCodec {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET_CREATED_AT = "secret_created_at";

  /** The fields this codec writes from the model; any other field of a record is kept as found. */
  private static final List<String> MODEL_FIELDS =
      List.of(
          "id",
          "version",
          "space_id",
          "url",
          "events",
          "enabled",
          "secret",
          "previous_secret",
          "previous_secret_expires_at",
          SECRET_CREATED_AT,
          "description",
          "rate_limit_per_second",
          ConfigRecordMac.FIELD);

  /**
   * The security settings records are read and written by.
   *
   * @param allowPlaintextSecrets {@code security.allow-plaintext-secrets}: a secret may be written
   *     in the clear when no key is configured, and one read in the clear is used
   * @param acceptLegacySecretBinding {@code security.accept-legacy-secret-binding}: a ciphertext
   *     bound to the webhook id only (older releases) is still used
   * @param requireAuthenticatedConfig {@code security.require-authenticated-config}: a record
   *     without a valid MAC is refused
   */
  public record Policy(
      boolean allowPlaintextSecrets,
      boolean acceptLegacySecretBinding,
      boolean requireAuthenticatedConfig) {
    /** The defaults of {@code config/fanout.properties}. */
    public static final Policy DEFAULTS = new Policy(false, true, false);

    public static Policy of(FanoutConfig.Security security) {
      return new Policy(
          security.allowPlaintextSecrets(),
          security.acceptLegacySecretBinding(),
          security.requireAuthenticatedConfig());
    }
  }

  /** How weakly a record that was accepted is protected; the worker warns about each. */
  public enum Notice {
    /** A secret is stored in the clear (allowed by the policy). */
    PLAINTEXT_SECRET,
    /** A secret is bound to the webhook id only (accepted by the policy). */
    LEGACY_SECRET_BINDING,
    /** Config keys are configured but the record carries no valid MAC (not required). */
    UNAUTHENTICATED
  }

  /**
   * A record read and accepted.
   *
   * @param authenticationProblem with {@link Notice#UNAUTHENTICATED}: why its MAC is not valid
   */
  public record Read(
      Subscription subscription, Set<Notice> notices, String authenticationProblem) {}

  private final SecretCipher cipher;
  private final RecordMac recordKeys;
  private final Policy policy;
  private final StoredSecrets secrets;

  /**
   * A codec with the {@link Policy#DEFAULTS} and no config keys: plaintext secrets are neither
   * written nor used.
   */
  public SubscriptionCodec(SecretCipher cipher) {
    this(cipher, RecordMac.none(), Policy.DEFAULTS);
  }

  /**
   * @param recordKeys signs every record written; verifies records read when the policy requires
   * @throws IllegalArgumentException when the policy requires authenticated records and there is no
   *     key to sign and verify them with
   */
  public SubscriptionCodec(SecretCipher cipher, RecordMac recordKeys, Policy policy) {
    if (policy.requireAuthenticatedConfig() && !recordKeys.canSign()) {
      throw new IllegalArgumentException(
          "security.require-authenticated-config=true but "
              + RecordMac.KEYS_VARIABLE
              + " holds no key");
    }
    this.cipher = cipher;
    this.recordKeys = recordKeys;
    this.policy = policy;
    this.secrets = new StoredSecrets(cipher, policy);
  }

  public Subscription decode(String key, byte[] value) throws InvalidSubscriptionException {
    return read(key, value).subscription();
  }

  /**
   * Decodes a record and says how weakly it is protected. When the policy requires authenticated
   * records, the MAC is checked first, on the very tree that is then decoded.
   *
   * @throws InvalidSubscriptionException of {@link
   *     InvalidSubscriptionException.Kind#UNAUTHENTICATED} for a record without a valid MAC while
   *     one is required, {@code WEAK_SECRET} for a secret too weak to sign with, {@code INVALID}
   *     for any other fault
   */
  public Read read(String key, byte[] value) throws InvalidSubscriptionException {
    JsonNode root;
    try {
      root = JSON.readTree(value);
    } catch (IOException e) {
      throw new InvalidSubscriptionException("value is not valid JSON");
    }
    if (root == null || !root.isObject()) {
      throw new InvalidSubscriptionException("value is not a JSON object");
    }
    String authenticationProblem = null;
    if (policy.requireAuthenticatedConfig() || recordKeys.canSign()) {
      authenticationProblem = ConfigRecordMac.problem((ObjectNode) root, recordKeys);
      if (authenticationProblem != null && policy.requireAuthenticatedConfig()) {
        throw new InvalidSubscriptionException(
            InvalidSubscriptionException.Kind.UNAUTHENTICATED,
            authenticationProblem + " and security.require-authenticated-config=true");
      }
    }
    Set<Notice> notices = EnumSet.noneOf(Notice.class);
    if (authenticationProblem != null) {
      notices.add(Notice.UNAUTHENTICATED);
    }
    return new Read(decode(key, root, value, notices), notices, authenticationProblem);
  }

  private Subscription decode(String key, JsonNode root, byte[] value, Set<Notice> notices)
      throws InvalidSubscriptionException {
    String id = requiredText(root, "id");
    if (key != null && !key.equals(id)) {
      throw new InvalidSubscriptionException(
          "record key '" + key + "' differs from id '" + id + "'");
    }
    String spaceId = requiredText(root, "space_id");
    String urlText = requiredText(root, "url");
    URI url = url(urlText);
    List<EventPattern> events = events(root.get("events"));
    JsonNode enabled = root.get("enabled");
    if (enabled != null && !enabled.isBoolean()) {
      throw new InvalidSubscriptionException("enabled is not true or false");
    }
    SecretCipher.Binding binding = new SecretCipher.Binding(id, spaceId, urlText);
    SigningSecret secret = secrets.read(root.get("secret"), "secret", binding, notices);
    SigningSecret previous =
        secrets.read(root.get("previous_secret"), "previous_secret", binding, notices);
    Instant previousExpires = instant(root.get("previous_secret_expires_at"));
    JsonNode description = root.get("description");
    Integer rateLimit = rateLimit(root.get("rate_limit_per_second"));
    JsonNode version = root.get("version");
    if (version != null
        && !(version.canConvertToLong()
            && version.isIntegralNumber()
            && version.longValue() >= 0)) {
      throw new InvalidSubscriptionException("version is not a whole number of 0 or more");
    }
    return new Subscription(
        id,
        spaceId,
        url,
        events,
        enabled == null || enabled.booleanValue(),
        secret,
        previous,
        previousExpires,
        description == null || description.isNull() ? "" : description.asText(),
        rateLimit,
        value);
  }

  /**
   * A new subscription record at version 1; the secret is encrypted when a key is configured.
   *
   * @throws SubscriptionRefusedException when the secret is too weak, or would be stored in the
   *     clear while the policy does not allow it
   */
  public byte[] encode(
      String id,
      String spaceId,
      URI url,
      List<String> events,
      boolean enabled,
      SigningSecret secretOrNull,
      String description) {
    List<EventPattern> patterns = events.stream().map(EventPattern::new).toList();
    return encode(
        new Subscription(
            id,
            spaceId,
            url,
            patterns,
            enabled,
            secretOrNull,
            null,
            null,
            description == null ? "" : description,
            null,
            null),
        1,
        null);
  }

  /**
   * The whole record of {@code s} at {@code version}: every field comes from the model, secrets are
   * encrypted afresh (under the first configured key, when there is one), and fields of {@code
   * s.source()} this release does not know are kept after them. Every record the operator commands
   * write is made here.
   *
   * @param secretCreatedAt when the current secret was set; null keeps the time {@code s.source()}
   *     holds (none when it holds none, or when {@code s} has no secret)
   * @throws IllegalStateException when a secret cannot be read, so cannot be written again
   * @throws IllegalArgumentException when {@code version} is negative
   */
  public byte[] encode(Subscription s, long version, Instant secretCreatedAt) {
    if (version < 0) {
      throw new IllegalArgumentException("a version is 0 or more, not " + version);
    }
    ObjectNode source = sourceObject(s.source());
    ObjectNode root = JSON.createObjectNode();
    root.put("id", s.id());
    root.put("version", version);
    root.put("space_id", s.spaceId());
    root.put("url", s.url().toString());
    ArrayNode list = root.putArray("events");
    s.events().forEach(e -> list.add(e.text()));
    root.put("enabled", s.enabled());
    if (s.secret() != null) {
      root.set("secret", secretNode(s.secret(), s.id(), s.spaceId(), s.url().toString()));
      if (secretCreatedAt != null) {
        root.put(SECRET_CREATED_AT, secretCreatedAt.toString());
      } else if (source.hasNonNull(SECRET_CREATED_AT)) {
        root.set(SECRET_CREATED_AT, source.get(SECRET_CREATED_AT));
      }
    }
    if (s.previousSecret() != null) {
      root.set(
          "previous_secret",
          secretNode(s.previousSecret(), s.id(), s.spaceId(), s.url().toString()));
      if (s.previousSecretExpiresAt() != null) {
        root.put("previous_secret_expires_at", s.previousSecretExpiresAt().toString());
      }
    }
    if (s.description() != null && !s.description().isEmpty()) {
      root.put("description", s.description());
    }
    if (s.rateLimitPerSecond() != null) {
      root.put("rate_limit_per_second", s.rateLimitPerSecond());
    }
    source
        .fields()
        .forEachRemaining(
            field -> {
              if (!MODEL_FIELDS.contains(field.getKey())) {
                root.set(field.getKey(), field.getValue());
              }
            });
    return write(root);
  }

  /**
   * When the current secret of a record was set ({@code secret_created_at}); null when the record
   * does not say (written before the field existed) or says it unreadably.
   */
  public static Instant secretCreatedAt(byte[] value) {
    JsonNode node = sourceObject(value).get(SECRET_CREATED_AT);
    if (node == null || !node.isTextual()) {
      return null;
    }
    try {
      return Instant.parse(node.textValue());
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** The id of the key this codec encrypts secrets under; null when it has none. */
  public String encryptingKeyId() {
    return cipher.encryptingKeyId();
  }

  /**
   * How weakly a stored record is protected, as {@link #read} finds it now: what writing it again
   * would mend. Empty for a record this codec refuses.
   */
  public Set<Notice> notices(Subscription s) {
    try {
      return read(s.id(), s.source()).notices();
    } catch (InvalidSubscriptionException e) {
      return Set.of();
    }
  }

  /**
   * The id of the key each stored secret of a record ({@code secret}, then {@code previous_secret})
   * is encrypted under; null for a secret stored in the clear. Empty when the record holds no
   * secret.
   */
  public static List<String> secretKeyIds(byte[] value) {
    ObjectNode root = sourceObject(value);
    List<String> ids = new ArrayList<>(2);
    for (String field : List.of("secret", "previous_secret")) {
      JsonNode node = root.get(field);
      if (node == null || node.isNull()) {
        continue;
      }
      JsonNode keyId = node.get("key_id");
      ids.add(keyId != null && keyId.isTextual() ? keyId.textValue() : null);
    }
    return ids;
  }

  private static ObjectNode sourceObject(byte[] valueOrNull) {
    if (valueOrNull == null) {
      return JSON.createObjectNode();
    }
    try {
      JsonNode node = JSON.readTree(valueOrNull);
      return node instanceof ObjectNode object ? object : JSON.createObjectNode();
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }

  /** A record with {@code rate_limit_per_second} set; every other field is kept as it was. */
  public byte[] withRateLimit(byte[] value, int perSecond) {
    if (perSecond < 1) {
      throw new IllegalArgumentException("a rate limit must be at least 1 per second");
    }
    try {
      ObjectNode root = (ObjectNode) JSON.readTree(value);
      root.put("rate_limit_per_second", perSecond);
      return write(root);
    } catch (IOException | ClassCastException e) {
      throw new IllegalArgumentException("not a subscription record");
    }
  }

  /**
   * The stored record with {@code enabled} replaced and its version advanced by one; every other
   * field is kept as it was. If the webhook changed meanwhile, this write loses (see {@link
   * #version}).
   */
  public byte[] withEnabled(Subscription subscription, boolean enabled) {
    try {
      ObjectNode root = (ObjectNode) JSON.readTree(subscription.source());
      root.put("enabled", enabled);
      root.put("version", version(subscription.source()) + 1);
      return write(root);
    } catch (IOException | ClassCastException e) {
      throw new IllegalStateException("stored subscription " + subscription.id() + " is not JSON");
    }
  }

  /** The same record with another version (and a fresh MAC). */
  public byte[] withVersion(byte[] value, long version) {
    try {
      ObjectNode root = (ObjectNode) JSON.readTree(value);
      root.put("version", version);
      return write(root);
    } catch (IOException | ClassCastException e) {
      throw new IllegalArgumentException("not a subscription record");
    }
  }

  /**
   * A record's version: 1 when written first, one more with every change made from the version
   * read. A record that does not advance the version of the record it replaces was written from a
   * stale read, and is ignored (compare-and-set). 0 when absent: such records, written by hand or
   * by an older release, always apply.
   */
  public static long version(byte[] value) {
    try {
      JsonNode version = JSON.readTree(value).get("version");
      return version != null && version.canConvertToLong() ? Math.max(0, version.longValue()) : 0;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** A readable view without secret material, for {@code webhooks list|get}. */
  public static ObjectNode describe(Subscription s) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", s.id());
    node.put("space_id", s.spaceId());
    node.put("url", s.url().toString());
    ArrayNode events = node.putArray("events");
    s.events().forEach(e -> events.add(e.text()));
    node.put("enabled", s.enabled());
    node.put("signed", s.secret() != null);
    if (s.rateLimitPerSecond() != null) {
      node.put("rate_limit_per_second", s.rateLimitPerSecond());
    }
    node.put("description", s.description());
    return node;
  }

  /**
   * The stored form of a secret of webhook {@code id} in {@code spaceId} at {@code url} (as the
   * record stores it): encrypted and bound to all three, or in the clear if no key is configured
   * and the policy allows it. The one place secrets are sealed.
   *
   * @throws SubscriptionRefusedException when the secret is too weak, or would be stored in the
   *     clear while that is not allowed
   */
  JsonNode secretNode(SigningSecret secret, String id, String spaceId, String url) {
    String weakness = SigningSecret.weakness(secret.reveal());
    if (weakness != null) {
      throw new SubscriptionRefusedException("the secret is refused: " + weakness);
    }
    if (!cipher.canEncrypt()) {
      if (!policy.allowPlaintextSecrets()) {
        throw new SubscriptionRefusedException(
            "no key in "
                + SecretCipher.KEYS_VARIABLE
                + " to encrypt the secret with: set "
                + SecretCipher.KEYS_VARIABLE
                + "=<key id>:<base64 of 32 bytes>, or security.allow-plaintext-secrets=true to"
                + " store secrets in the clear (anyone who can read the config topic reads them)");
      }
      return JSON.getNodeFactory().textNode(secret.reveal());
    }
    SecretCipher.Encrypted encrypted =
        cipher.encrypt(secret, new SecretCipher.Binding(id, spaceId, url));
    ObjectNode node = JSON.createObjectNode();
    node.put("key_id", encrypted.keyId());
    node.put("ciphertext", encrypted.ciphertext());
    node.put("aad", SecretCipher.BINDING_VERSION);
    return node;
  }

  private static List<EventPattern> events(JsonNode node) throws InvalidSubscriptionException {
    if (node == null || !node.isArray() || node.isEmpty()) {
      throw new InvalidSubscriptionException("events must be a non-empty list of event types");
    }
    List<EventPattern> patterns = new ArrayList<>();
    for (JsonNode item : node) {
      if (!item.isTextual()) {
        throw new InvalidSubscriptionException("events holds a value that is not a string");
      }
      try {
        patterns.add(new EventPattern(item.textValue()));
      } catch (IllegalArgumentException e) {
        throw new InvalidSubscriptionException(e.getMessage());
      }
    }
    return List.copyOf(patterns);
  }

  /**
   * An absolute http or https URL with a host and no user information (credentials in a URL would
   * end up in logs), whose host is not a numeric address that reads more than one way ({@link
   * NumericHosts}).
   */
  public static URI url(String text) throws InvalidSubscriptionException {
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new InvalidSubscriptionException("url must be http or https");
      }
      if (uri.getRawUserInfo() != null
          || (uri.getRawAuthority() != null && uri.getRawAuthority().contains("@"))) {
        throw new InvalidSubscriptionException("url must not carry user information");
      }
      String host = uri.getHost();
      if (host == null && uri.getRawAuthority() != null) {
        // Java reads a host it cannot parse as a registry name, and gives no host; say why.
        String authority = uri.getRawAuthority();
        int port = authority.lastIndexOf(':');
        host = port < 0 ? authority : authority.substring(0, port);
        if (!NumericHosts.ambiguous(host)) {
          host = null;
        }
      }
      if (host == null || host.isEmpty()) {
        throw new InvalidSubscriptionException("url has no host");
      }
      if (NumericHosts.ambiguous(host)) {
        throw new InvalidSubscriptionException(
            "url host is a numeric address that reads more than one way; write it as a.b.c.d");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new InvalidSubscriptionException("url is not a valid URL");
    }
  }

  private static Integer rateLimit(JsonNode node) throws InvalidSubscriptionException {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.canConvertToInt() || !node.isIntegralNumber() || node.intValue() < 1) {
      throw new InvalidSubscriptionException(
          "rate_limit_per_second must be a whole number above 0");
    }
    return node.intValue();
  }

  private static Instant instant(JsonNode node) throws InvalidSubscriptionException {
    if (node == null || node.isNull()) {
      return null;
    }
    try {
      return Instant.parse(node.asText());
    } catch (DateTimeParseException e) {
      throw new InvalidSubscriptionException("previous_secret_expires_at is not an RFC 3339 time");
    }
  }

  private static String requiredText(JsonNode root, String field)
      throws InvalidSubscriptionException {
    return requiredText(root, field, field);
  }

  private static String requiredText(JsonNode root, String field, String name)
      throws InvalidSubscriptionException {
    JsonNode node = root.get(field);
    if (node == null || !node.isTextual() || node.textValue().isBlank()) {
      throw new InvalidSubscriptionException(name + " must be a non-empty string");
    }
    return node.textValue();
  }

  /**
   * The record's bytes, with a MAC made by the first config key when one is configured (any MAC the
   * record carried is replaced). The one place records are finalised.
   */
  byte[] write(ObjectNode node) {
    if (recordKeys.canSign()) {
      ConfigRecordMac.seal(node, recordKeys);
    } else {
      node.remove(ConfigRecordMac.FIELD);
    }
    try {
      return JSON.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }
}
