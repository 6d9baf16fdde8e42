package dev.fanout.admin;

/**
 * An operator action failed for a reason the operator can act on: no such webhook, a change the
 * worker would reject, another writer that changed the webhook meanwhile. The message says which,
 * in one line, and never holds secret material.
 */
public final class AdminFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AdminFailure(String message) {
    super(message);
  }

  /**
   * A webhook whose secret cannot be read (its key is not configured, or its record is bound to
   * another id or URL); {@code problem} says why and holds no key material, {@code consequence}
   * what could therefore not be done.
   */
  static AdminFailure unreadableSecret(String webhookId, String problem, String consequence) {
    return new AdminFailure(
        "webhook " + webhookId + ": its secret cannot be read (" + problem + "), " + consequence);
  }
}
