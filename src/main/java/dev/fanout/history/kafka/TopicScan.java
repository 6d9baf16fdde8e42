package dev.fanout.history.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;

/**
 * Reads partitions of a topic from given offsets up to the end offsets they had when the scan
 * began, record by record: nothing is kept but what the caller keeps. Reports progress at most once
 * a second after its first second, and gives up when no record arrives for {@link #STALL}.
 */
final class TopicScan {
  static final Duration STALL = Duration.ofSeconds(30);
  private static final long PROGRESS_MILLIS = 1_000;

  private final org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer;
  private final Time time;

  TopicScan(org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer, Time time) {
    this.consumer = consumer;
    this.time = time;
  }

  /**
   * @param from where to start in each partition; a partition missing here is not read
   * @throws IllegalStateException when the broker stops answering
   */
  void scan(
      String what,
      Map<TopicPartition, Long> from,
      Consumer<ConsumerRecord<byte[], byte[]>> each,
      Consumer<String> progress) {
    Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(from.keySet()));
    Set<TopicPartition> left = new HashSet<>();
    long total = 0;
    for (Map.Entry<TopicPartition, Long> e : from.entrySet()) {
      long stop = end.getOrDefault(e.getKey(), 0L);
      if (e.getValue() < stop) {
        left.add(e.getKey());
        total += stop - e.getValue();
      }
    }
    consumer.assign(left);
    left.forEach(tp -> consumer.seek(tp, from.get(tp)));
    long started = time.milliseconds();
    long lastProgress = started;
    long lastRecord = started;
    long read = 0;
    while (!left.isEmpty()) {
      ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
      long now = time.milliseconds();
      for (ConsumerRecord<byte[], byte[]> r : records) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        if (r.offset() < end.get(tp)) {
          each.accept(r);
          read++;
        }
        lastRecord = now;
      }
      for (TopicPartition tp : List.copyOf(left)) {
        if (consumer.position(tp) >= end.get(tp)) {
          left.remove(tp);
          consumer.pause(List.of(tp));
        }
      }
      if (now - lastRecord > STALL.toMillis()) {
        throw new IllegalStateException(
            "reading " + what + " stalled: no record for " + STALL.toSeconds() + " s");
      }
      if (now - started >= PROGRESS_MILLIS && now - lastProgress >= PROGRESS_MILLIS) {
        lastProgress = now;
        progress.accept("scanned " + read + " of " + total + " records of " + what);
      }
    }
    consumer.unsubscribe();
  }
}
