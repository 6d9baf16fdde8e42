package dev.fanout.signing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts subscription secrets at rest with AES-256-GCM. Keys come from {@code
 * FANOUT_SECRET_KEYS=k1:<base64 32 bytes>,k2:...}; the first key encrypts, every key decrypts, so a
 * new key can be put first while records under the old one are still read.
 *
 * <p>Ciphertext format: base64 of (12-byte random nonce || AES-GCM ciphertext and 16-byte tag). The
 * webhook id is bound as associated data, so a ciphertext copied to another webhook does not
 * decrypt. Thread-safe: a {@link Cipher} is made per call.
 */
public final class SecretCipher {
  public static final String KEYS_VARIABLE = "FANOUT_SECRET_KEYS";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, SecretKey> keys;
  private final String currentKeyId;

  private SecretCipher(Map<String, SecretKey> keys, String currentKeyId) {
    this.keys = keys;
    this.currentKeyId = currentKeyId;
  }

  public record Encrypted(String keyId, String ciphertext) {}

  /** No keys configured: secrets are stored as plain strings. */
  public static SecretCipher none() {
    return new SecretCipher(Map.of(), null);
  }

  /**
   * Parses the key list. Messages name the key id but never echo key material.
   *
   * @throws IllegalArgumentException listing every malformed entry
   */
  public static SecretCipher parse(String spec) {
    if (spec == null || spec.isBlank()) {
      return none();
    }
    // Entries are named by position only: a mistyped entry (key and id swapped, say) must not
    // put key material into an error message.
    Map<String, SecretKey> keys = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    String[] entries = spec.split(",");
    for (int i = 0; i < entries.length; i++) {
      String trimmed = entries[i].trim();
      String entry = "entry " + (i + 1);
      int colon = trimmed.indexOf(':');
      if (colon <= 0) {
        problems.add(entry + " is not <key id>:<base64 key>");
        continue;
      }
      String id = trimmed.substring(0, colon);
      try {
        byte[] key = Base64.getDecoder().decode(trimmed.substring(colon + 1));
        if (key.length != 32) {
          problems.add(entry + " has a key of " + key.length + " bytes, not 32");
          continue;
        }
        if (keys.putIfAbsent(id, new SecretKeySpec(key, "AES")) != null) {
          problems.add(entry + " repeats a key id");
        }
      } catch (IllegalArgumentException e) {
        problems.add(entry + " has a key that is not base64");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(KEYS_VARIABLE + ": " + String.join("; ", problems));
    }
    return new SecretCipher(Map.copyOf(keys), keys.keySet().iterator().next());
  }

  public boolean canEncrypt() {
    return currentKeyId != null;
  }

  public Encrypted encrypt(SigningSecret secret, String webhookId) {
    if (!canEncrypt()) {
      throw new IllegalStateException("no encryption key configured in " + KEYS_VARIABLE);
    }
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = cipher(Cipher.ENCRYPT_MODE, keys.get(currentKeyId), nonce, webhookId);
      byte[] sealed = cipher.doFinal(secret.reveal().getBytes(StandardCharsets.UTF_8));
      ByteBuffer out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed);
      return new Encrypted(currentKeyId, Base64.getEncoder().encodeToString(out.array()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /**
   * @throws IllegalArgumentException when the key is unknown or the ciphertext does not
   *     authenticate; the message says which, without any secret material
   */
  public SigningSecret decrypt(Encrypted encrypted, String webhookId) {
    SecretKey key = keys.get(encrypted.keyId());
    if (key == null) {
      throw new IllegalArgumentException("secret key id '" + encrypted.keyId() + "' is not known");
    }
    try {
      byte[] all = Base64.getDecoder().decode(encrypted.ciphertext());
      if (all.length <= NONCE_BYTES) {
        throw new IllegalArgumentException("secret ciphertext is too short");
      }
      byte[] nonce = java.util.Arrays.copyOf(all, NONCE_BYTES);
      Cipher cipher = cipher(Cipher.DECRYPT_MODE, key, nonce, webhookId);
      byte[] plain = cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES);
      return new SigningSecret(new String(plain, StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "secret ciphertext does not decrypt with key " + encrypted.keyId());
    }
  }

  private static Cipher cipher(int mode, SecretKey key, byte[] nonce, String webhookId)
      throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
    cipher.updateAAD(webhookId.getBytes(StandardCharsets.UTF_8));
    return cipher;
  }

  @Override
  public String toString() {
    return "SecretCipher[keys=" + keys.keySet() + "]";
  }
}
