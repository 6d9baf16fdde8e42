package dev.fanout.worker;

/** Hears what the dispatchers made of consumed records. Thread-safe, quick. */
public interface DispatchListener {
  /** The record matched {@code webhooks} subscriptions (0 = counted as matching none). */
  default void matched(String eventType, int webhooks) {}

  /** The record is not a usable event; it goes to the dead-letter topic with {@code reason}. */
  default void rejected(String reason) {}

  /** A retry came due for a webhook that was deleted or disabled meanwhile: nothing is sent. */
  default void cancelled(String eventType) {}

  /** Partitions were taken from this member by a rebalance. */
  default void partitionsRevoked(int count) {}
}
