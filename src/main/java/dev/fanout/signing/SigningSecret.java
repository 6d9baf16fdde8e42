package dev.fanout.signing;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A subscriber's shared secret in clear text, held only in memory. {@link #toString()} never shows
 * it, so a secret cannot leak through a log line or an exception message by accident.
 */
public final class SigningSecret {
  private static final String STANDARD_WEBHOOKS_PREFIX = "whsec_";

  private final byte[] utf8;
  private final byte[] standardWebhooksKey;

  public SigningSecret(String secret) {
    if (secret == null || secret.isEmpty()) {
      throw new IllegalArgumentException("secret is empty");
    }
    this.utf8 = secret.getBytes(StandardCharsets.UTF_8);
    this.standardWebhooksKey = standardWebhooksKey(secret, utf8);
  }

  /**
   * Key for {@code x-y42-signature}: the UTF-8 bytes of the secret as given. Not to be modified.
   */
  byte[] y42Key() {
    return utf8;
  }

  /** Key for the Standard Webhooks signature. Not to be modified. */
  byte[] standardWebhooksKey() {
    return standardWebhooksKey;
  }

  /**
   * Key for the Standard Webhooks signature: the base64-decoded rest of a {@code whsec_} secret,
   * otherwise the secret's UTF-8 bytes.
   */
  private static byte[] standardWebhooksKey(String text, byte[] utf8) {
    if (text.startsWith(STANDARD_WEBHOOKS_PREFIX)) {
      try {
        byte[] key = Base64.getDecoder().decode(text.substring(STANDARD_WEBHOOKS_PREFIX.length()));
        if (key.length > 0) {
          return key;
        }
        // "whsec_" alone: an HMAC key cannot be empty, so use the raw bytes.
      } catch (IllegalArgumentException e) {
        // Not base64 after all: fall back to the raw bytes, as for any other secret.
      }
    }
    return utf8;
  }

  /** The clear text, for encryption and nothing else. */
  public String reveal() {
    return new String(utf8, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "SigningSecret[redacted]";
  }
}
