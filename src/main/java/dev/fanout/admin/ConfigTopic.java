package dev.fanout.admin;

import dev.fanout.subscription.SubscriptionIndex;

/**
 * The compacted config topic as the operator commands use it: read whole, written record by record.
 */
public interface ConfigTopic extends AutoCloseable {
  /** The subscription table as it is now: the topic read to its end, as a worker reads it. */
  SubscriptionIndex read();

  /**
   * Writes one record, or a tombstone for null, and returns once the broker has it durably.
   *
   * @throws AdminFailure when the write fails
   */
  void write(String id, byte[] valueOrNull);

  @Override
  void close();
}
