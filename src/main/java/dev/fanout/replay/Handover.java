package dev.fanout.replay;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Where replays and resends put the deliveries they hand to the workers, and what they remember of
 * how far they got. Not thread-safe: one scan drives it.
 */
public interface Handover extends AutoCloseable {
  /** Queues one retry tier record; it counts as handed over once {@link #commit} returns. */
  void send(ProducerRecord<byte[], byte[]> tierRecord);

  /** The scan has dealt with every record of {@code partition} before {@code nextOffset}. */
  void examined(TopicPartition partition, long nextOffset);

  /** Makes what was sent and examined so far durable, if it is time to (a batch is full). */
  void commitIfDue();

  /** Makes what was sent and examined so far durable. */
  void commit();

  /** Records handed over and committed so far. */
  long committed();

  @Override
  void close();

  /** Hands over nothing: {@code --dry-run}. */
  static Handover dryRun() {
    return new Handover() {
      @Override
      public void send(ProducerRecord<byte[], byte[]> tierRecord) {}

      @Override
      public void examined(TopicPartition partition, long nextOffset) {}

      @Override
      public void commitIfDue() {}

      @Override
      public void commit() {}

      @Override
      public long committed() {
        return 0;
      }

      @Override
      public void close() {}
    };
  }
}
