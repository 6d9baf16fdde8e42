package dev.fanout.signing;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A secret sealed as releases before the id, space and URL binding sealed it: bound to the id. */
public final class LegacyCiphertext {
  private LegacyCiphertext() {}

  public static String of(String base64Key, String webhookId, String secret) throws Exception {
    byte[] nonce = new byte[12];
    new java.security.SecureRandom().nextBytes(nonce);
    javax.crypto.Cipher cipher = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(
        javax.crypto.Cipher.ENCRYPT_MODE,
        new javax.crypto.spec.SecretKeySpec(Base64.getDecoder().decode(base64Key), "AES"),
        new javax.crypto.spec.GCMParameterSpec(128, nonce));
    cipher.updateAAD(webhookId.getBytes(StandardCharsets.UTF_8));
    byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
    byte[] all = new byte[nonce.length + sealed.length];
    System.arraycopy(nonce, 0, all, 0, nonce.length);
    System.arraycopy(sealed, 0, all, nonce.length, sealed.length);
    return Base64.getEncoder().encodeToString(all);
  }
}
