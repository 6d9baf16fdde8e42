package dev.fanout.subscription;

/** A config-topic record that cannot be used. The message never contains secret material. */
public final class InvalidSubscriptionException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidSubscriptionException(String message) {
    super(message);
  }
}
