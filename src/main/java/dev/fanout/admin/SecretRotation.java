package dev.fanout.admin;

import dev.fanout.signing.SigningSecret;
import dev.fanout.subscription.Subscription;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * Secret rotation: the webhook gets a new secret, and its current one stays valid for a grace
 * period, during which every request carries a {@code webhook-signature} entry for each (Standard
 * Webhooks), so a receiver can switch secrets at its own pace. {@code x-y42-signature}, which has
 * room for one, uses the new secret at once.
 */
public final class SecretRotation {
  /** How long a previous secret may stay valid at most: a forgotten grace must still end. */
  public static final Duration MAX_GRACE = Duration.ofDays(30);

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int GENERATED_KEY_BYTES = 32;

  private SecretRotation() {}

  /**
   * The webhook with {@code next} as its secret and its current secret, if any, kept until {@code
   * now + grace}. A grace of zero keeps nothing. A previous secret from an earlier rotation is
   * dropped: only one previous secret is kept.
   *
   * @throws AdminFailure when the grace is negative or longer than {@link #MAX_GRACE}, or when the
   *     current secret cannot be read (it could not be kept)
   */
  public static Subscription rotate(
      Subscription current, SigningSecret next, Duration grace, Instant now) {
    if (grace.isNegative() || grace.compareTo(MAX_GRACE) > 0) {
      throw new AdminFailure("the grace period must be between 0 and " + MAX_GRACE.toDays() + "d");
    }
    if (!grace.isZero() && current.secret() != null && current.secret().problem() != null) {
      throw AdminFailure.unreadableSecret(
          current.id(),
          current.secret().problem(),
          "so it cannot be kept for a grace period; rotate with --grace 0s");
    }
    boolean keep = current.secret() != null && !grace.isZero();
    return new Subscription(
        current.id(),
        current.spaceId(),
        current.url(),
        current.events(),
        current.enabled(),
        next,
        keep ? current.secret() : null,
        keep ? now.plus(grace) : null,
        current.description(),
        current.rateLimitPerSecond(),
        current.source());
  }

  /** A Standard Webhooks secret: {@code whsec_} and the base64 of 32 random bytes. */
  public static SigningSecret generate() {
    byte[] key = new byte[GENERATED_KEY_BYTES];
    RANDOM.nextBytes(key);
    return new SigningSecret("whsec_" + Base64.getEncoder().encodeToString(key));
  }
}
