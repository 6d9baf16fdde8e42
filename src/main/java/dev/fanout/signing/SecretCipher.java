package dev.fanout.signing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
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
 * webhook's id, space and URL are bound as associated data ({@link Binding}), so a ciphertext
 * copied to another webhook, or kept while someone without the key re-points its webhook to another
 * URL or space, does not decrypt. Ciphertexts of older releases bind the webhook id only; {@link
 * #decryptBoundToIdOnly} still reads them. Thread-safe: a {@link Cipher} is made per call.
 */
public final class SecretCipher {
  public static final String KEYS_VARIABLE = "FANOUT_SECRET_KEYS";

  /** The version of {@link Binding}'s encoding, stored beside the ciphertext as {@code aad}. */
  public static final int BINDING_VERSION = 2;

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

  /**
   * What a ciphertext is bound to. Encoded as the version byte {@value #BINDING_VERSION}, then each
   * field as a 4-byte big-endian length and its UTF-8 bytes, so no two different bindings encode
   * alike (a URL cannot borrow characters from the space before it).
   *
   * @param url the URL exactly as the record stores it
   */
  public record Binding(String webhookId, String spaceId, String url) {
    byte[] associatedData() {
      byte[][] fields = {utf8(webhookId), utf8(spaceId), utf8(url)};
      int size = 1;
      for (byte[] field : fields) {
        size += 4 + field.length;
      }
      ByteBuffer out = ByteBuffer.allocate(size).put((byte) BINDING_VERSION);
      for (byte[] field : fields) {
        out.putInt(field.length).put(field);
      }
      return out.array();
    }

    private static byte[] utf8(String text) {
      return text.getBytes(StandardCharsets.UTF_8);
    }
  }

  /** No keys configured: secrets cannot be encrypted. */
  public static SecretCipher none() {
    return new SecretCipher(Map.of(), null);
  }

  /**
   * A cipher with one random key that lives in this process only, for a throwaway broker (the demo,
   * the benchmark): what it encrypts can be read by nothing else.
   */
  public static SecretCipher generate(String keyId) {
    return parse(generateKeySpec(keyId));
  }

  /**
   * A key list of one fresh random key, as {@value #KEYS_VARIABLE} takes it ({@code <keyId>:<base64
   * 32 bytes>}): key material, to be handed on with care.
   */
  public static String generateKeySpec(String keyId) {
    byte[] key = new byte[KeyRing.KEY_BYTES];
    RANDOM.nextBytes(key);
    return keyId + ":" + Base64.getEncoder().encodeToString(key);
  }

  /**
   * Parses the key list. Messages name an entry by position but never echo key material.
   *
   * @throws IllegalArgumentException listing every malformed entry
   */
  public static SecretCipher parse(String spec) {
    Map<String, byte[]> raw = KeyRing.parse(KEYS_VARIABLE, spec);
    if (raw.isEmpty()) {
      return none();
    }
    Map<String, SecretKey> keys = new LinkedHashMap<>();
    raw.forEach((id, key) -> keys.put(id, new SecretKeySpec(key, "AES")));
    return new SecretCipher(Map.copyOf(keys), raw.keySet().iterator().next());
  }

  public boolean canEncrypt() {
    return currentKeyId != null;
  }

  /** The id of the key secrets are encrypted under (the first listed); null when there is none. */
  public String encryptingKeyId() {
    return currentKeyId;
  }

  /** Encrypts under the first key, bound to {@code binding}. */
  public Encrypted encrypt(SigningSecret secret, Binding binding) {
    if (!canEncrypt()) {
      throw new IllegalStateException("no encryption key configured in " + KEYS_VARIABLE);
    }
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher =
          cipher(Cipher.ENCRYPT_MODE, keys.get(currentKeyId), nonce, binding.associatedData());
      byte[] sealed = cipher.doFinal(secret.reveal().getBytes(StandardCharsets.UTF_8));
      ByteBuffer out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed);
      return new Encrypted(currentKeyId, Base64.getEncoder().encodeToString(out.array()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /**
   * @throws IllegalArgumentException when the key is unknown or the ciphertext does not
   *     authenticate for this binding; the message says which, without any secret material
   */
  public SigningSecret decrypt(Encrypted encrypted, Binding binding) {
    return open(encrypted, binding.associatedData(), "this webhook's id, space and URL");
  }

  /**
   * Reads a ciphertext of an older release, bound to the webhook id alone. Such a ciphertext still
   * decrypts after someone without the key changed the webhook's URL or space, so callers accept it
   * only while {@code security.accept-legacy-secret-binding} allows.
   *
   * @throws IllegalArgumentException as {@link #decrypt}, and for an id with control characters:
   *     every {@link Binding} encoding holds zero bytes in its length prefixes, so refusing those
   *     ids keeps a current ciphertext from passing as an old one under a crafted id
   */
  public SigningSecret decryptBoundToIdOnly(Encrypted encrypted, String webhookId) {
    if (webhookId.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("webhook id holds control characters");
    }
    return open(encrypted, webhookId.getBytes(StandardCharsets.UTF_8), "this webhook's id");
  }

  private SigningSecret open(Encrypted encrypted, byte[] associatedData, String boundTo) {
    SecretKey key = keys.get(encrypted.keyId());
    if (key == null) {
      throw new IllegalArgumentException("secret key id '" + encrypted.keyId() + "' is not known");
    }
    byte[] all;
    try {
      all = Base64.getDecoder().decode(encrypted.ciphertext());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("secret ciphertext is not base64");
    }
    if (all.length <= NONCE_BYTES) {
      throw new IllegalArgumentException("secret ciphertext is too short");
    }
    try {
      byte[] nonce = Arrays.copyOf(all, NONCE_BYTES);
      Cipher cipher = cipher(Cipher.DECRYPT_MODE, key, nonce, associatedData);
      byte[] plain = cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES);
      return new SigningSecret(new String(plain, StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "secret ciphertext does not decrypt with key "
              + encrypted.keyId()
              + " for "
              + boundTo
              + " (was the webhook changed by someone without the key?)");
    }
  }

  private static Cipher cipher(int mode, SecretKey key, byte[] nonce, byte[] associatedData)
      throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
    cipher.updateAAD(associatedData);
    return cipher;
  }

  @Override
  public String toString() {
    return "SecretCipher[keys=" + keys.keySet() + "]";
  }
}
