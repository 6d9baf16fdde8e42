package dev.fanout.history.kafka;

import dev.fanout.history.DeadLetterEntry;
import dev.fanout.history.DeliveryHistory;
import dev.fanout.history.DeliveryStory;
import dev.fanout.history.DeliverySummary;
import dev.fanout.history.HistoryCodec;
import dev.fanout.history.HistoryRecord;
import dev.fanout.history.LatestDeliveries;
import dev.fanout.kafka.FanoutHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;

/**
 * Delivery history read from the attempts and dead-letter topics.
 *
 * <pre>
 *   latest(webhook)  every attempts partition, from offsetsForTimes(since) to the end offsets of
 *                    the start ─► LatestDeliveries (bounded by the limit)
 *   story(delivery)  the one attempts partition its key maps to (murmur2, as the producer's
 *                    default partitioner) ─► its records, in order
 *                    + every dead-letter partition ─► records whose fanout.delivery.id is it:
 *                      from offsetsForTimes(its first record − 1 h) when the history holds the
 *                      delivery's beginning, else from the start
 * </pre>
 *
 * A dead letter is stamped when it is written, which is never before its delivery's first attempt
 * or hold, so the dead-letter topic need not be read from before the delivery began (less an hour,
 * for clocks that disagree). When the delivery's first record has expired from the attempts topic,
 * its first dead letter may be older than anything left there, and the whole topic is read.
 *
 * <p>Records that are not history records (a foreign producer) are skipped. Memory holds the
 * limit's worth of summaries, or one delivery's records ({@value #MAX_STORY} at most of each kind).
 * Not thread-safe; owns its consumer.
 */
public final class KafkaDeliveryHistory implements DeliveryHistory {
  /** Records of one delivery kept at most; a story longer than that keeps its latest ones. */
  static final int MAX_STORY = 10_000;

  /** How much earlier than a delivery's first record its dead letters are looked for. */
  static final Duration CLOCK_MARGIN = Duration.ofHours(1);

  private final org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer;
  private final String attemptsTopic;
  private final String dlqTopic;
  private final TopicScan scan;

  public KafkaDeliveryHistory(
      org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer,
      String attemptsTopic,
      String dlqTopic) {
    this.consumer = consumer;
    this.attemptsTopic = attemptsTopic;
    this.dlqTopic = dlqTopic;
    this.scan = new TopicScan(consumer, Time.SYSTEM);
  }

  /** The partition of the attempts topic that holds a delivery's records. */
  public static int partitionOf(String deliveryId, int partitions) {
    return Utils.toPositive(Utils.murmur2(deliveryId.getBytes(StandardCharsets.UTF_8)))
        % partitions;
  }

  @Override
  public List<DeliverySummary> latest(
      String webhookId, Instant since, boolean failedOnly, int limit, Consumer<String> progress) {
    List<TopicPartition> partitions = partitions(attemptsTopic);
    Map<TopicPartition, Long> from = new HashMap<>();
    if (since == null) {
      from.putAll(consumer.beginningOffsets(partitions));
    } else {
      Map<TopicPartition, Long> times = new HashMap<>();
      partitions.forEach(tp -> times.put(tp, since.toEpochMilli()));
      consumer
          .offsetsForTimes(times)
          .forEach(
              (tp, found) -> {
                if (found != null) { // null: nothing written since then
                  from.put(tp, ((OffsetAndTimestamp) found).offset());
                }
              });
    }
    LatestDeliveries latest = new LatestDeliveries(webhookId, failedOnly, limit);
    scan.scan(
        attemptsTopic,
        from,
        r -> {
          HistoryRecord h = decode(r);
          if (h != null) {
            latest.add(h);
          }
        },
        progress);
    return latest.newestFirst();
  }

  @Override
  public DeliveryStory story(String deliveryId, Consumer<String> progress) {
    List<TopicPartition> partitions = partitions(attemptsTopic);
    TopicPartition home =
        new TopicPartition(attemptsTopic, partitionOf(deliveryId, partitions.size()));
    byte[] key = deliveryId.getBytes(StandardCharsets.UTF_8);
    List<HistoryRecord> history = new ArrayList<>();
    HistoryRecord[] first = new HistoryRecord[1];
    scan.scan(
        attemptsTopic + " partition " + home.partition(),
        consumer.beginningOffsets(List.of(home)),
        r -> {
          if (java.util.Arrays.equals(key, r.key())) {
            HistoryRecord h = decode(r);
            if (h != null) {
              if (first[0] == null) {
                first[0] = h;
              }
              keepLatest(history, h);
            }
          }
        },
        progress);

    List<DeadLetterEntry> deadLetters = new ArrayList<>();
    scan.scan(
        dlqTopic,
        deadLettersFrom(first[0]),
        r -> {
          if (deliveryId.equals(header(r, FanoutHeaders.DELIVERY_ID))) {
            keepLatest(deadLetters, deadLetter(r));
          }
        },
        progress);
    return new DeliveryStory(deliveryId, history, deadLetters);
  }

  /**
   * Where to read the dead-letter topic from for a delivery whose earliest record left in the
   * attempts topic is {@code first} (null: none).
   */
  private Map<TopicPartition, Long> deadLettersFrom(HistoryRecord first) {
    List<TopicPartition> partitions = partitions(dlqTopic);
    Map<TopicPartition, Long> from = new HashMap<>(consumer.beginningOffsets(partitions));
    if (first == null || !beginsDelivery(first)) {
      return from;
    }
    long since = first.at().minus(CLOCK_MARGIN).toEpochMilli();
    Map<TopicPartition, Long> times = new HashMap<>();
    partitions.forEach(tp -> times.put(tp, since));
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    consumer
        .offsetsForTimes(times)
        .forEach(
            (tp, found) ->
                // null: nothing was written there since then
                from.put(tp, found != null ? found.offset() : end.get(tp)));
    return from;
  }

  /** Whether a history record is the first of its delivery: nothing can have happened before it. */
  static boolean beginsDelivery(HistoryRecord r) {
    if (r.replays() != 0) {
      return false;
    }
    return HistoryRecord.ATTEMPT.equals(r.kind()) ? r.attempt() == 1 : r.attempt() == 0;
  }

  private static <T> void keepLatest(List<T> list, T item) {
    if (list.size() == MAX_STORY) {
      list.remove(0);
    }
    list.add(item);
  }

  private List<TopicPartition> partitions(String topic) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic);
    if (infos == null || infos.isEmpty()) {
      throw new IllegalStateException("topic " + topic + " does not exist");
    }
    return infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
  }

  private static HistoryRecord decode(ConsumerRecord<byte[], byte[]> r) {
    if (r.value() == null) {
      return null;
    }
    try {
      return HistoryCodec.decode(r.value());
    } catch (IllegalArgumentException notHistory) {
      return null;
    }
  }

  private static DeadLetterEntry deadLetter(ConsumerRecord<byte[], byte[]> r) {
    return new DeadLetterEntry(
        r.topic(),
        r.partition(),
        r.offset(),
        Instant.ofEpochMilli(r.timestamp()),
        header(r, FanoutHeaders.REASON),
        number(header(r, FanoutHeaders.ATTEMPTS)),
        number(header(r, FanoutHeaders.REPLAYS)),
        number(header(r, FanoutHeaders.HTTP_STATUS)),
        header(r, FanoutHeaders.ERROR));
  }

  private static int number(String text) {
    try {
      return text == null ? 0 : Integer.parseInt(text);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    consumer.close();
  }
}
