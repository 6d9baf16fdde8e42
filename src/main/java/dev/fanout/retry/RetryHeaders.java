package dev.fanout.retry;

/**
 * Headers of a retry tier record. Its value is the original event bytes and its key the original
 * key, as on the dead-letter topic, so a task keeps the exact body through any number of retries.
 */
public final class RetryHeaders {
  public static final String WEBHOOK_ID = "fanout.webhook.id";
  public static final String DELIVERY_ID = "fanout.delivery.id";
  public static final String ATTEMPTS = "fanout.attempts";
  public static final String FIRST_ATTEMPT_AT = "fanout.first.attempt.at";
  public static final String LAST_ATTEMPT_AT = "fanout.last.attempt.at";
  public static final String HOLDS = "fanout.holds";
  public static final String FIRST_HELD_AT = "fanout.first.held.at";
  public static final String DUE_AT = "fanout.due.at";
  public static final String SOURCE_TOPIC = "fanout.source.topic";
  public static final String SOURCE_PARTITION = "fanout.source.partition";
  public static final String SOURCE_OFFSET = "fanout.source.offset";
  public static final String SOURCE_TIMESTAMP = "fanout.source.timestamp";

  private RetryHeaders() {}
}
