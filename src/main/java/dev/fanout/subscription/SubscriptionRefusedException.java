package dev.fanout.subscription;

/**
 * A subscription that Fanout refuses to write: its secret is too weak, or it would be stored in the
 * clear while that is not allowed. The message says what to change and never holds the secret.
 */
public final class SubscriptionRefusedException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public SubscriptionRefusedException(String message) {
    super(message);
  }
}
