package dev.fanout.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads topics from the beginning to the end offsets they had when reading started, with a consumer
 * of no group: every partition assigned, nothing committed.
 */
final class TopicReader {
  private TopicReader() {}

  /**
   * @return records read
   * @throws IllegalStateException when the end is not reached within {@code timeout}
   */
  static long readToEnd(
      org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer,
      Collection<String> topics,
      Duration timeout,
      Consumer<ConsumerRecords<byte[], byte[]>> sink) {
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : topics) {
      for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
        partitions.add(new TopicPartition(p.topic(), p.partition()));
      }
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
    long deadline = System.nanoTime() + timeout.toNanos();
    long read = 0;
    while (!reached(consumer, end)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("could not read " + topics + " to the end in " + timeout);
      }
      ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
      read += records.count();
      sink.accept(records);
    }
    return read;
  }

  private static boolean reached(
      org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer,
      Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }
}
