package dev.fanout.signing;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A subscriber's shared secret in clear text, held only in memory. {@link #toString()} never shows
 * it, so a secret cannot leak through a log line or an exception message by accident.
 *
 * <p>{@link #weakness} holds the rules a secret must meet before Fanout stores or uses it.
 *
 * <p>A secret that is configured but cannot be read (its key is no longer configured, or it is
 * stored in the clear while encryption is required) is {@link #unavailable}: it signs nothing, so
 * its webhook fails closed instead of receiving unsigned requests or none at all.
 */
public final class SigningSecret {
  private static final String STANDARD_WEBHOOKS_PREFIX = "whsec_";

  /**
   * Fewest bytes a {@code whsec_} secret decodes to: Standard Webhooks asks for 24 to 64 random
   * bytes (192 bits and more), which no one guesses from signed requests however many they see.
   */
  public static final int MIN_STANDARD_KEY_BYTES = 24;

  /**
   * Fewest characters of any other secret, used as its UTF-8 bytes. Even random printable text of
   * this length carries about 96 bits; anything shorter can be searched offline from a single
   * signed request. Human-chosen text needs far more, which no rule can check.
   */
  public static final int MIN_RAW_CHARACTERS = 16;

  private final byte[] utf8;
  private final byte[] standardWebhooksKey;
  private final String problem;

  public SigningSecret(String secret) {
    if (secret == null || secret.isEmpty()) {
      throw new IllegalArgumentException("secret is empty");
    }
    this.utf8 = secret.getBytes(StandardCharsets.UTF_8);
    this.standardWebhooksKey = standardWebhooksKey(secret, utf8);
    this.problem = null;
  }

  private SigningSecret(String problem, boolean unavailable) {
    this.utf8 = null;
    this.standardWebhooksKey = null;
    this.problem = problem;
  }

  /**
   * A secret that exists but cannot be read; {@code problem} says why and holds no key material.
   */
  public static SigningSecret unavailable(String problem) {
    return new SigningSecret(problem, true);
  }

  /**
   * Why {@code text} is not fit to sign with, or null when it is: a {@code whsec_} secret must be
   * base64 of at least {@value #MIN_STANDARD_KEY_BYTES} bytes (a malformed one is refused, not read
   * as raw text: sender and receiver would disagree about the key), any other secret at least
   * {@value #MIN_RAW_CHARACTERS} characters long. The reason never contains the secret.
   */
  public static String weakness(String text) {
    if (text.startsWith(STANDARD_WEBHOOKS_PREFIX)) {
      byte[] key;
      try {
        key = Base64.getDecoder().decode(text.substring(STANDARD_WEBHOOKS_PREFIX.length()));
      } catch (IllegalArgumentException e) {
        return "a whsec_ secret must be followed by base64, and this one is not";
      }
      if (key.length < MIN_STANDARD_KEY_BYTES) {
        return "a whsec_ secret must decode to at least "
            + MIN_STANDARD_KEY_BYTES
            + " bytes, and this one decodes to "
            + key.length;
      }
      return null;
    }
    int length = text.codePointCount(0, text.length());
    if (length < MIN_RAW_CHARACTERS) {
      return "a secret must be at least "
          + MIN_RAW_CHARACTERS
          + " characters long (or whsec_ and base64 of "
          + MIN_STANDARD_KEY_BYTES
          + " bytes or more), and this one has "
          + length;
    }
    return null;
  }

  /** Why the secret cannot be read; null when it can. */
  public String problem() {
    return problem;
  }

  /**
   * Key for {@code x-y42-signature}: the UTF-8 bytes of the secret as given. Not to be modified.
   */
  byte[] y42Key() {
    requireAvailable();
    return utf8;
  }

  /** Key for the Standard Webhooks signature. Not to be modified. */
  byte[] standardWebhooksKey() {
    requireAvailable();
    return standardWebhooksKey;
  }

  private void requireAvailable() {
    if (problem != null) {
      throw new IllegalStateException("secret unavailable: " + problem);
    }
  }

  /**
   * Key for the Standard Webhooks signature: the base64-decoded rest of a {@code whsec_} secret,
   * otherwise the secret's UTF-8 bytes. Fanout stores no secret that fails {@link #weakness}, so
   * the fallbacks below serve only {@code fanout verify}, which checks what a receiver holds.
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
    requireAvailable();
    return new String(utf8, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return problem == null ? "SigningSecret[redacted]" : "SigningSecret[unavailable]";
  }
}
