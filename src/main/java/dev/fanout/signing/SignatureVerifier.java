package dev.fanout.signing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;

/**
 * The receiver's side: checks the signature headers of a request against a body. Comparisons are
 * constant-time ({@link MessageDigest#isEqual}), so a forger learns nothing from response timing.
 */
public final class SignatureVerifier {
  private SignatureVerifier() {}

  /** True when {@code header} is {@code sha256=<hex>} of the body under the secret. */
  public static boolean verifyY42(SigningSecret secret, byte[] body, String header) {
    if (header == null) {
      return false;
    }
    return constantTimeEquals(Signer.y42Signature(secret, body), header.trim());
  }

  /**
   * True when one of the space-separated {@code v1,} signatures in {@code header} matches and the
   * timestamp is within {@code tolerance} of {@code now} (a replayed old request is refused).
   */
  public static boolean verifyStandard(
      SigningSecret secret,
      String webhookId,
      String timestamp,
      byte[] body,
      String header,
      Instant now,
      Duration tolerance) {
    if (webhookId == null || timestamp == null || header == null) {
      return false;
    }
    long seconds;
    try {
      seconds = Long.parseLong(timestamp.trim());
    } catch (NumberFormatException e) {
      return false;
    }
    if (Math.abs(now.getEpochSecond() - seconds) > tolerance.toSeconds()) {
      return false;
    }
    String expected = Signer.standardSignature(secret, webhookId, seconds, body);
    boolean match = false;
    for (String candidate : header.trim().split(" ")) {
      // Check every candidate: no early exit, so timing does not reveal which one matched.
      match |= constantTimeEquals(expected, candidate);
    }
    return match;
  }

  private static boolean constantTimeEquals(String expected, String given) {
    return MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }
}
