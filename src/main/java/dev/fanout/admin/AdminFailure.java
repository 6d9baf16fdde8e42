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
}
