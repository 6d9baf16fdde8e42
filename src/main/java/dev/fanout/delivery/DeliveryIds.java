package dev.fanout.delivery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Delivery ids are derived, not random: the same (event id, webhook id) always gives the same id,
 * on every retry, replay and worker, so a receiver can use it to drop duplicates.
 */
public final class DeliveryIds {
  // One digest per thread: looking one up costs more than hashing a short id.
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("SHA-256 is not available", e);
            }
          });
  private static final HexFormat HEX = HexFormat.of();

  private DeliveryIds() {}

  public static String of(String eventId, String webhookId) {
    MessageDigest sha = SHA256.get();
    sha.reset();
    sha.update(eventId.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) 0);
    sha.update(webhookId.getBytes(StandardCharsets.UTF_8));
    byte[] digest = sha.digest();
    return "dlv_" + HEX.formatHex(digest, 0, 16);
  }
}
