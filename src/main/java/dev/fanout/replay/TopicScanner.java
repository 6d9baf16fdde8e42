package dev.fanout.replay;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a range of one or more topics once, streaming: every partition is assigned (no consumer
 * group, nothing committed), read from its start offset up to the end offset taken when the scan
 * began, and each record is handed to a visitor as it arrives. Memory holds one poll's records,
 * whatever the size of the topic. Records of a partition come in offset order; partitions
 * interleave.
 *
 * <pre>
 *   start = max(beginning, offsetsForTimes(since), fromOffset, resume position)
 *   end   = min(end offset at start, toOffset + 1)
 * </pre>
 *
 * Not thread-safe: one scan at a time on the thread that owns the consumer.
 */
public final class TopicScanner {
  /** Gives up when no partition moves for this long (a broker gone, a partition offline). */
  static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);

  private static final Duration POLL = Duration.ofMillis(200);

  /** Looks at one record; false stops the scan after it. */
  @FunctionalInterface
  public interface Visitor {
    boolean visit(ConsumerRecord<byte[], byte[]> record);
  }

  /**
   * @param visited records handed to the visitor
   * @param stopped true when the visitor stopped the scan before the end
   */
  public record Result(long visited, boolean stopped) {}

  private final Consumer<byte[], byte[]> consumer;
  private final Clock clock;

  public TopicScanner(Consumer<byte[], byte[]> consumer, Clock clock) {
    this.consumer = consumer;
    this.clock = clock;
  }

  /** Every partition of the topics, in topic then partition order. */
  public List<TopicPartition> partitions(Collection<String> topics) {
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : topics) {
      var infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
      if (infos == null || infos.isEmpty()) {
        throw new IllegalStateException("topic " + topic + " does not exist");
      }
      infos.stream()
          .map(p -> new TopicPartition(p.topic(), p.partition()))
          .sorted((a, b) -> Integer.compare(a.partition(), b.partition()))
          .forEach(partitions::add);
    }
    return partitions;
  }

  /**
   * @param resumeFrom per partition, the first offset not yet handled by an earlier run; may be
   *     empty
   */
  public Result scan(
      List<TopicPartition> partitions,
      ScanRange range,
      Map<TopicPartition, Long> resumeFrom,
      Visitor visitor,
      ScanProgress progress) {
    consumer.assign(partitions);
    Map<TopicPartition, Long> start = new HashMap<>(consumer.beginningOffsets(partitions));
    Map<TopicPartition, Long> latest = consumer.endOffsets(partitions);
    if (range.since() != null) {
      Map<TopicPartition, Long> times = new HashMap<>();
      partitions.forEach(tp -> times.put(tp, range.since().toEpochMilli()));
      Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(times);
      for (TopicPartition tp : partitions) {
        OffsetAndTimestamp at = found.get(tp);
        // No record at or after since: nothing of this partition is in range.
        start.merge(tp, at == null ? latest.get(tp) : at.offset(), Math::max);
      }
    }
    Map<TopicPartition, Long> end = new HashMap<>();
    Set<TopicPartition> open = new HashSet<>();
    long total = 0;
    for (TopicPartition tp : partitions) {
      if (range.fromOffset() != null) {
        start.merge(tp, range.fromOffset(), Math::max);
      }
      Long resumed = resumeFrom.get(tp);
      if (resumed != null) {
        start.merge(tp, resumed, Math::max);
      }
      long last = latest.get(tp);
      if (range.toOffset() != null) {
        last = Math.min(last, range.toOffset() + 1);
      }
      end.put(tp, last);
      if (start.get(tp) < last) {
        open.add(tp);
        consumer.seek(tp, start.get(tp));
        total += last - start.get(tp);
      }
    }
    consumer.pause(partitions.stream().filter(tp -> !open.contains(tp)).toList());

    long visited = 0;
    Instant lastMove = clock.instant();
    while (!open.isEmpty()) {
      ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
      for (TopicPartition tp : records.partitions()) {
        long stop = end.get(tp);
        for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
          if (record.offset() >= stop) {
            break;
          }
          visited++;
          if (!visitor.visit(record)) {
            progress.finished(done(start, end), total);
            return new Result(visited, true);
          }
        }
      }
      if (!records.isEmpty()) {
        lastMove = clock.instant();
      }
      List<TopicPartition> finished = new ArrayList<>();
      for (TopicPartition tp : open) {
        if (consumer.position(tp) >= end.get(tp)) {
          finished.add(tp);
        }
      }
      if (!finished.isEmpty()) {
        finished.forEach(open::remove);
        consumer.pause(finished);
        lastMove = clock.instant();
      }
      if (Duration.between(lastMove, clock.instant()).compareTo(STALL_TIMEOUT) > 0) {
        throw new IllegalStateException(
            "no records arrived for " + STALL_TIMEOUT.toSeconds() + " s from " + open);
      }
      progress.update(done(start, end), total);
    }
    progress.finished(total, total);
    return new Result(visited, false);
  }

  private long done(Map<TopicPartition, Long> start, Map<TopicPartition, Long> end) {
    long done = 0;
    for (var e : end.entrySet()) {
      long from = start.get(e.getKey());
      if (from < e.getValue()) {
        done += Math.min(consumer.position(e.getKey()), e.getValue()) - from;
      }
    }
    return done;
  }
}
