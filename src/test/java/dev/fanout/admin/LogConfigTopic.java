package dev.fanout.admin;

import dev.fanout.subscription.SubscriptionCodec;
import dev.fanout.subscription.SubscriptionIndex;
import dev.fanout.subscription.kafka.CompactedTopicSubscriptionStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * A config topic held in memory as a log of records, read by the worker's own reader ({@link
 * CompactedTopicSubscriptionStore}), so compare-and-set behaves as on a broker.
 */
final class LogConfigTopic implements ConfigTopic {
  private static final String TOPIC = "fanout.webhooks";

  /** One record of the log; a null value is a tombstone. */
  record Entry(String key, byte[] value) {}

  private final SubscriptionCodec codec;
  final List<Entry> log;

  LogConfigTopic(SubscriptionCodec codec) {
    this(codec, new ArrayList<>());
  }

  private LogConfigTopic(SubscriptionCodec codec, List<Entry> log) {
    this.codec = codec;
    this.log = log;
  }

  /** The same log, read with other keys. */
  LogConfigTopic readWith(SubscriptionCodec other) {
    return new LogConfigTopic(other, log);
  }

  @Override
  public SubscriptionIndex read(Consumer<String> refused) {
    MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    TopicPartition p0 = new TopicPartition(TOPIC, 0);
    consumer.updatePartitions(
        TOPIC, List.of(new PartitionInfo(TOPIC, 0, Node.noNode(), new Node[0], new Node[0])));
    consumer.updateBeginningOffsets(Map.of(p0, 0L));
    consumer.updateEndOffsets(Map.of(p0, (long) log.size()));
    List<Entry> records = List.copyOf(log);
    consumer.schedulePollTask(
        () -> {
          for (int i = 0; i < records.size(); i++) {
            consumer.addRecord(
                new ConsumerRecord<>(
                    TOPIC,
                    0,
                    i,
                    records.get(i).key().getBytes(StandardCharsets.UTF_8),
                    records.get(i).value()));
          }
        });
    SubscriptionIndex index = new SubscriptionIndex();
    new CompactedTopicSubscriptionStore(consumer, TOPIC, codec, index, (k, r) -> refused.accept(k))
        .readToEnd();
    return index;
  }

  @Override
  public void write(String id, byte[] valueOrNull) {
    log.add(new Entry(id, valueOrNull));
  }

  @Override
  public void close() {}
}
