package dev.fanout.admin;

import dev.fanout.subscription.SubscriptionIndex;
import java.util.function.Consumer;

/**
 * The compacted config topic as the operator commands use it: read whole, written record by record.
 */
public interface ConfigTopic extends AutoCloseable {
  /** The subscription table as it is now: the topic read to its end, as a worker reads it. */
  default SubscriptionIndex read() {
    return read(id -> {});
  }

  /**
   * {@link #read()}, telling {@code refused} the key of every record the read refused (invalid,
   * unauthenticated, a weak secret): records that are on the topic but not in the table.
   */
  SubscriptionIndex read(Consumer<String> refused);

  /**
   * Writes one record, or a tombstone for null, and returns once the broker has it durably.
   *
   * @throws AdminFailure when the write fails
   */
  void write(String id, byte[] valueOrNull);

  @Override
  void close();
}
