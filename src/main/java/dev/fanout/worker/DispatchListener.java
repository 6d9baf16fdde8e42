package dev.fanout.worker;

/** Hears what the dispatcher made of each consumed record. Thread-safe, quick. */
public interface DispatchListener {
  /** The record matched {@code webhooks} subscriptions (0 = counted as matching none). */
  default void matched(String eventType, int webhooks) {}

  /** The record is not a usable event; it goes to the dead-letter topic with {@code reason}. */
  default void rejected(String reason) {}
}
