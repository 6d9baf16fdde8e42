package dev.fanout.signing;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticates config records with HMAC-SHA256. Keys come from {@code
 * FANOUT_CONFIG_KEYS=c1:<base64 32 bytes>,c2:...}, parsed like {@code FANOUT_SECRET_KEYS}: the
 * first key signs, every key verifies, so a new key can be put first while records signed with the
 * old one are still accepted. What is signed (a canonical form of the record) is the caller's
 * business. Thread-safe: a {@link Mac} is made per call.
 */
public final class RecordMac {
  public static final String KEYS_VARIABLE = "FANOUT_CONFIG_KEYS";
  private static final String ALGORITHM = "HmacSHA256";

  private final Map<String, SecretKeySpec> keys;
  private final String currentKeyId;

  private RecordMac(Map<String, SecretKeySpec> keys, String currentKeyId) {
    this.keys = keys;
    this.currentKeyId = currentKeyId;
  }

  /**
   * A MAC and the id of the key that made it.
   *
   * @param value base64 of the 32-byte HMAC-SHA256
   */
  public record Tag(String keyId, String value) {}

  /** No keys configured: records are written without a MAC and none can be verified. */
  public static RecordMac none() {
    return new RecordMac(Map.of(), null);
  }

  /**
   * Parses the key list. Messages name an entry by position but never echo key material.
   *
   * @throws IllegalArgumentException listing every malformed entry
   */
  public static RecordMac parse(String spec) {
    Map<String, byte[]> raw = KeyRing.parse(KEYS_VARIABLE, spec);
    if (raw.isEmpty()) {
      return none();
    }
    Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
    raw.forEach((id, key) -> keys.put(id, new SecretKeySpec(key, ALGORITHM)));
    return new RecordMac(Map.copyOf(keys), raw.keySet().iterator().next());
  }

  public boolean canSign() {
    return currentKeyId != null;
  }

  /** Signs with the first key. */
  public Tag sign(byte[] data) {
    if (!canSign()) {
      throw new IllegalStateException("no config record key configured in " + KEYS_VARIABLE);
    }
    return new Tag(
        currentKeyId, Base64.getEncoder().encodeToString(mac(keys.get(currentKeyId), data)));
  }

  /**
   * @return null when {@code tag} is a MAC of {@code data} under a configured key; otherwise why
   *     not, naming the key id but no key material
   */
  public String problem(Tag tag, byte[] data) {
    SecretKeySpec key = keys.get(tag.keyId());
    if (key == null) {
      return "MAC key id '" + tag.keyId() + "' is not configured in " + KEYS_VARIABLE;
    }
    byte[] given;
    try {
      given = Base64.getDecoder().decode(tag.value());
    } catch (IllegalArgumentException e) {
      return "MAC is not base64";
    }
    return MessageDigest.isEqual(given, mac(key, data))
        ? null
        : "MAC does not match the record (key " + tag.keyId() + ")";
  }

  private static byte[] mac(SecretKeySpec key, byte[] data) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }

  @Override
  public String toString() {
    return "RecordMac[keys=" + keys.keySet() + "]";
  }
}
