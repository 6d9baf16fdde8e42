package dev.fanout.replay;

/** Why a replay or resend handed a matching record over to no one. */
public enum Skip {
  /** The webhook was deleted: nobody to deliver to. */
  WEBHOOK_GONE("webhook deleted"),
  /** The webhook is disabled; enable it first to replay its dead letters. */
  WEBHOOK_DISABLED("webhook disabled"),
  /** The webhook no longer takes this event: another space, or event patterns that leave it out. */
  NOT_SUBSCRIBED("webhook does not take it"),
  /** The dead letter names no webhook ({@code invalid_event}, {@code payload_too_large} events). */
  NOT_A_DELIVERY("not a delivery"),
  /** The value was too large for the dead-letter topic; the event is at its source offset. */
  VALUE_OMITTED("value omitted"),
  /** The value is not an event Fanout can deliver, or its source headers are missing. */
  UNREADABLE("event unreadable");

  private final String label;

  Skip(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
