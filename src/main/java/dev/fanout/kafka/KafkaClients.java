package dev.fanout.kafka;

import dev.fanout.config.FanoutConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Builds Kafka clients from the configuration. Each kind gets the common {@code kafka.*} keys, then
 * its own {@code kafka.consumer.*}, {@code kafka.producer.*} or {@code kafka.admin.*} keys, then
 * the settings Fanout's guarantees depend on, which no pass-through key may weaken.
 */
public final class KafkaClients {
  private final FanoutConfig.Kafka kafka;
  private final String clientIdPrefix;

  public KafkaClients(FanoutConfig.Kafka kafka, String clientIdPrefix) {
    this.kafka = kafka;
    this.clientIdPrefix = clientIdPrefix;
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  public String groupId() {
    return kafka.groupId();
  }

  private Map<String, Object> settings(String kind, String clientId) {
    Map<String, Object> props = new HashMap<>();
    kafka
        .passThrough()
        .forEach(
            (k, v) -> {
              if (!k.startsWith("consumer.")
                  && !k.startsWith("producer.")
                  && !k.startsWith("admin.")) {
                props.put(k, v);
              }
            });
    String prefix = kind + ".";
    kafka
        .passThrough()
        .forEach(
            (k, v) -> {
              if (k.startsWith(prefix)) {
                props.put(k.substring(prefix.length()), v);
              }
            });
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientIdPrefix + "-" + clientId);
    return props;
  }

  /**
   * A consumer of raw bytes in a consumer group: manual commits only, and records of aborted
   * transactions never seen. Rebalances are cooperative (incremental) unless the configuration
   * names another assignor: a member joining or leaving moves only the partitions it must, instead
   * of revoking every partition of every member. A new group starts at the earliest retained record
   * unless {@code kafka.consumer.auto.offset.reset} says otherwise.
   */
  public KafkaConsumer<byte[], byte[]> groupConsumer(
      String groupId, String clientId, Map<String, Object> extra) {
    return new KafkaConsumer<>(
        groupConsumerSettings(groupId, clientId, extra),
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }

  /**
   * How long the broker may hold a worker's fetch while the partitions in it have nothing new,
   * unless {@code kafka.consumer.fetch.max.wait.ms} says otherwise (Kafka's default is 500 ms).
   *
   * <p>A consumer keeps one fetch at a time in flight to each broker, and a fetch carries only the
   * partitions not paused. The worker pauses a partition while its records wait for room in the
   * engine; when room comes and the partition is resumed, its next fetch goes out only after the
   * one in flight has returned. With the other partitions of that broker caught up, that one waits
   * at the broker for this long: the engine, emptied meanwhile, idles. Behind a backlog whose last
   * partitions drain after the others, that happened at every resume (up to half a second each),
   * and after a stall (a GC pause) it held deliveries back for hundreds of milliseconds ({@code
   * docs/performance.md}). An idle worker costs each broker it reads from one empty fetch per
   * consumer per this interval instead of two a second.
   */
  static final int WORKER_FETCH_MAX_WAIT_MS = 50;

  /** The settings of {@link #groupConsumer}. */
  Map<String, Object> groupConsumerSettings(
      String groupId, String clientId, Map<String, Object> extra) {
    Map<String, Object> props = settings("consumer", clientId);
    props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, WORKER_FETCH_MAX_WAIT_MS);
    props.putIfAbsent(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.putAll(extra);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return props;
  }

  /** A consumer without a group, for reading topics by assignment (the config topic, the DLQ). */
  public KafkaConsumer<byte[], byte[]> assignedConsumer(String clientId) {
    return assignedConsumer(clientId, Map.of());
  }

  /** An assigned consumer with settings of its own, such as {@code isolation.level}. */
  public KafkaConsumer<byte[], byte[]> assignedConsumer(
      String clientId, Map<String, Object> extra) {
    Map<String, Object> props = settings("consumer", clientId);
    props.putAll(extra);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * A producer whose acknowledgement means durable: all in-sync replicas, idempotent, so a retried
   * send writes once.
   */
  public KafkaProducer<byte[], byte[]> durableProducer(String clientId) {
    Map<String, Object> props = settings("producer", clientId);
    props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
    return durable(props);
  }

  private static KafkaProducer<byte[], byte[]> durable(Map<String, Object> props) {
    // A send waits this long for a missing topic's metadata or a full buffer before it fails and
    // is retried; the default minute hides a missing topic for too long.
    props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * Batch size of the worker's producer unless {@code kafka.producer.batch.size} says otherwise.
   */
  static final int WORKER_BATCH_BYTES = 256 * 1024;

  /** Linger of the worker's producer unless {@code kafka.producer.linger.ms} says otherwise. */
  static final int WORKER_LINGER_MS = 20;

  /**
   * The worker's durable producer, for retry and dead-letter records: its requests take records of
   * {@code maxRecordBytes} (an event body plus Fanout's headers), unless {@code
   * kafka.producer.max.request.size} says otherwise.
   *
   * <p>These records come in bursts (an endpoint that fails holds all its tasks at once) and
   * nothing waits on them but the task's own slot, so batches are large and linger 20 ms: one
   * request then carries hundreds of records instead of a dozen, which costs the worker's and the
   * broker's network and request threads a fraction of what many small requests do ({@code
   * docs/performance.md}, isolation).
   */
  public KafkaProducer<byte[], byte[]> workerProducer(String clientId, int maxRecordBytes) {
    Map<String, Object> props = settings("producer", clientId);
    props.putIfAbsent(
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Math.max(1024 * 1024, maxRecordBytes));
    props.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, WORKER_BATCH_BYTES);
    props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, WORKER_LINGER_MS);
    return durable(props);
  }

  /**
   * A durable producer whose writes become visible to {@code read_committed} consumers (the
   * workers) only when its transaction commits. A transaction left open by a crash is aborted when
   * the next producer with the same {@code transactionalId} starts, or after {@code
   * transactionTimeout}; until then it holds back the partitions it wrote to, so keep it short.
   */
  public KafkaProducer<byte[], byte[]> transactionalProducer(
      String clientId, String transactionalId, java.time.Duration transactionTimeout) {
    Map<String, Object> props = settings("producer", clientId);
    props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) transactionTimeout.toMillis());
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * A producer for records whose loss is tolerable (delivery history): one acknowledgement, no
   * idempotence, batched and compressed for throughput. {@code settings} (linger, compression,
   * buffer memory) override pass-through keys.
   */
  public KafkaProducer<byte[], byte[]> bestEffortProducer(
      String clientId, Map<String, Object> settings) {
    Map<String, Object> props = settings("producer", clientId);
    props.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
    props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    props.putAll(settings);
    props.put(ProducerConfig.ACKS_CONFIG, "1");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  public Admin admin(String clientId) {
    return Admin.create(settings("admin", clientId));
  }
}
