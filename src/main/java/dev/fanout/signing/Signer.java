package dev.fanout.signing;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Computes the signature headers of one delivery attempt. Thread-safe.
 *
 * <ul>
 *   <li>{@code x-y42-signature: sha256=<hex HMAC-SHA256(secret UTF-8, body)>}
 *   <li>{@code webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>}, with a
 *       second {@code v1,} entry for a previous secret still inside its grace period (Standard
 *       Webhooks).
 * </ul>
 */
public final class Signer {
  public static final String Y42_PREFIX = "sha256=";
  public static final String STANDARD_VERSION = "v1,";
  private static final HexFormat HEX = HexFormat.of();

  private Signer() {}

  public static String y42Signature(SigningSecret secret, byte[] body) {
    return Y42_PREFIX + HEX.formatHex(Hmac.sha256(secret.y42Key(), body));
  }

  public static String standardSignature(
      SigningSecret secret, String webhookId, long timestampSeconds, byte[] body) {
    byte[] prefix = (webhookId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8);
    byte[] mac = Hmac.sha256(secret.standardWebhooksKey(), prefix, body);
    return STANDARD_VERSION + Base64.getEncoder().encodeToString(mac);
  }

  /** The {@code webhook-signature} value: space-separated, current secret first. */
  public static String standardSignatures(
      SigningSecret current,
      SigningSecret previousOrNull,
      String webhookId,
      long timestampSeconds,
      byte[] body) {
    String signature = standardSignature(current, webhookId, timestampSeconds, body);
    if (previousOrNull == null) {
      return signature;
    }
    return signature + " " + standardSignature(previousOrNull, webhookId, timestampSeconds, body);
  }
}
