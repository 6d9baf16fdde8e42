package dev.fanout.fault;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the dead-letter topic: live, in a background thread, to know which pairs have ended there
 * while a run goes on; and once at the end, from the beginning to the end offsets, for the count.
 */
final class DeadLetters implements AutoCloseable {
  /** One dead-letter record, by its {@code fanout.*} headers. */
  record DeadLetter(
      String reason,
      String deliveryId,
      String eventId,
      String webhookId,
      String sourceTopic,
      int sourcePartition,
      long sourceOffset,
      Instant writtenAt,
      boolean valueOmitted) {
    DeliveryLedger.Pair pair() {
      return eventId == null || webhookId == null
          ? null
          : new DeliveryLedger.Pair(eventId, webhookId);
    }
  }

  private final String bootstrapServers;
  private final String topic;
  private final Set<DeliveryLedger.Pair> seen = ConcurrentHashMap.newKeySet();
  private final KafkaConsumer<byte[], byte[]> live;
  private final Thread thread;
  private volatile boolean running = true;

  DeadLetters(String bootstrapServers, String topic) {
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    this.live = consumer(bootstrapServers);
    this.thread = new Thread(this::follow, "fault-dlq-tail");
    thread.setDaemon(true);
    thread.start();
  }

  /** Whether a dead letter for the pair has been seen so far. */
  boolean contains(DeliveryLedger.Pair pair) {
    return seen.contains(pair);
  }

  private void follow() {
    try {
      List<TopicPartition> partitions = partitions(live);
      live.assign(partitions);
      live.seekToBeginning(partitions);
      while (running) {
        for (ConsumerRecord<byte[], byte[]> r : live.poll(Duration.ofMillis(200))) {
          DeliveryLedger.Pair pair = parse(r).pair();
          if (pair != null) {
            seen.add(pair);
          }
        }
      }
    } catch (WakeupException stopping) {
      // close() asked the loop to end.
    } finally {
      live.close(Duration.ofSeconds(5));
    }
  }

  /** Every dead letter written so far, read from the beginning up to the end offsets of now. */
  List<DeadLetter> readAll(Duration timeout) {
    List<DeadLetter> all = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrapServers)) {
      List<TopicPartition> partitions = partitions(consumer);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      Instant deadline = Instant.now().plus(timeout);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException("could not read " + topic + " to its end in " + timeout);
        }
        consumer.poll(Duration.ofMillis(200)).forEach(r -> all.add(parse(r)));
      }
    }
    return all;
  }

  private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer) {
    return consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition()))
        .toList();
  }

  private static DeadLetter parse(ConsumerRecord<byte[], byte[]> r) {
    String partition = header(r, "fanout.source.partition");
    String offset = header(r, "fanout.source.offset");
    return new DeadLetter(
        header(r, "fanout.reason"),
        header(r, "fanout.delivery.id"),
        header(r, "fanout.event.id"),
        header(r, "fanout.webhook.id"),
        header(r, "fanout.source.topic"),
        partition == null ? -1 : Integer.parseInt(partition),
        offset == null ? -1 : Long.parseLong(offset),
        Instant.ofEpochMilli(r.timestamp()),
        "true".equals(header(r, "fanout.value.omitted")));
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers) {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
            8 * 1024 * 1024),
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    live.wakeup();
    thread.join(10_000);
  }
}
