package dev.fanout.subscription;

import dev.fanout.signing.SigningSecret;
import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * A validated webhook subscription. Secrets are decrypted and held as {@link SigningSecret}s, whose
 * {@code toString} is redacted, so printing a subscription never prints a secret.
 *
 * @param secret null when the subscriber gave none (requests are then unsigned)
 * @param previousSecret still accepted until {@code previousSecretExpiresAt}; null when none
 * @param rateLimitPerSecond requests per second this webhook accepts at most; null for no limit
 * @param source the record value as read, kept so a write-back (such as disabling) preserves fields
 *     this version does not know
 */
public record Subscription(
    String id,
    String spaceId,
    URI url,
    List<EventPattern> events,
    boolean enabled,
    SigningSecret secret,
    SigningSecret previousSecret,
    Instant previousSecretExpiresAt,
    String description,
    Integer rateLimitPerSecond,
    byte[] source) {

  public boolean matches(String eventType) {
    if (!enabled) {
      return false;
    }
    for (EventPattern pattern : events) {
      if (pattern.matches(eventType)) {
        return true;
      }
    }
    return false;
  }

  /** Whether this webhook, enabled, takes events of this type from this space. */
  public boolean subscribesTo(String eventSpaceId, String eventType) {
    return spaceId.equals(eventSpaceId) && matches(eventType);
  }

  /**
   * Why this webhook cannot be signed for at {@code now} (see {@link SigningSecret#unavailable});
   * null when it can, or has no secret. Nothing may be sent to it then: it would go unsigned, or
   * signed wrongly. The previous secret counts only while its grace period lasts: once over, it
   * signs nothing, so a key removed after it ran out does not stop the webhook.
   */
  public String secretProblem(Instant now) {
    if (secret != null && secret.problem() != null) {
      return secret.problem();
    }
    SigningSecret previous = previousSecretAt(now);
    return previous == null ? null : previous.problem();
  }

  /**
   * Why a secret stored with this webhook cannot be read, its previous one included however long
   * ago it expired; null when every one can. What an operator is told about the stored record; for
   * whether the webhook can be sent to, see {@link #secretProblem(Instant)}.
   */
  public String storedSecretProblem() {
    if (secret != null && secret.problem() != null) {
      return secret.problem();
    }
    return previousSecret == null ? null : previousSecret.problem();
  }

  /** The previous secret while its grace period lasts, else null. */
  public SigningSecret previousSecretAt(Instant now) {
    if (previousSecret == null || previousSecretExpiresAt == null) {
      return null;
    }
    return now.isBefore(previousSecretExpiresAt) ? previousSecret : null;
  }

  /**
   * The same webhook without a previous secret whose grace period is over at {@code now}: it signs
   * nothing any more, and need not be stored.
   */
  public Subscription withoutExpiredPreviousSecret(Instant now) {
    if (previousSecret == null || previousSecretAt(now) != null) {
      return this;
    }
    return new Subscription(
        id,
        spaceId,
        url,
        events,
        enabled,
        secret,
        null,
        null,
        description,
        rateLimitPerSecond,
        source);
  }

  /** The same webhook, switched on or off. */
  public Subscription withEnabled(boolean on) {
    return new Subscription(
        id,
        spaceId,
        url,
        events,
        on,
        secret,
        previousSecret,
        previousSecretExpiresAt,
        description,
        rateLimitPerSecond,
        source);
  }
}
