package dev.fanout.subscription;

/** A config-topic record that cannot be used. The message never contains secret material. */
public final class InvalidSubscriptionException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why a record is refused, as counted in {@code fanout_config_records_rejected_total}. */
  public enum Kind {
    /** Malformed: not JSON, a field missing or of the wrong type. */
    INVALID("invalid"),
    /** No valid MAC while {@code security.require-authenticated-config=true}. */
    UNAUTHENTICATED("unauthenticated"),
    /** A secret too weak to sign with (see {@code SigningSecret.weakness}). */
    WEAK_SECRET("weak_secret");

    private final String tag;

    Kind(String tag) {
      this.tag = tag;
    }

    /** The value of the meter's {@code reason} tag. */
    public String tag() {
      return tag;
    }
  }

  private final Kind kind;

  public InvalidSubscriptionException(String message) {
    this(Kind.INVALID, message);
  }

  public InvalidSubscriptionException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
