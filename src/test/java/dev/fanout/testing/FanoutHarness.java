package dev.fanout.testing;

import dev.fanout.app.FanoutWorker;
import dev.fanout.config.ConfigLoader;
import dev.fanout.config.FanoutConfig;
import dev.fanout.kafka.KafkaClients;
import dev.fanout.kafka.TopicAdmin;
import dev.fanout.signing.RecordMac;
import dev.fanout.signing.SecretCipher;
import dev.fanout.signing.SigningSecret;
import dev.fanout.subscription.SubscriptionCodec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * One integration test's own corner of the shared broker: topics and consumer group named with a
 * unique prefix, so tests never see each other's records. Starts workers on demand and closes them.
 *
 * <p>Secrets are encrypted as in production, under a key made for the harness ({@link
 * #secretKeys()}) unless a test passes its own; a test about secrets in the clear passes {@link
 * SecretCipher#none()} and {@code security.allow-plaintext-secrets=true}.
 */
public final class FanoutHarness implements AutoCloseable {
  public static final String SPACE = "space_42";

  private final String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
  private final FanoutConfig config;
  private final KafkaClients clients;
  private final KafkaProducer<byte[], byte[]> producer;
  private final SecretCipher cipher;
  private final String secretKeys;
  private final RecordMac recordKeys;
  private final SubscriptionCodec codec;
  private final List<FanoutWorker> workers = new ArrayList<>();
  private final Map<String, Long> versions = new java.util.concurrent.ConcurrentHashMap<>();

  public FanoutHarness() {
    this(Map.of());
  }

  public FanoutHarness(Map<String, String> overrides) {
    this(overrides, SecretCipher.generateKeySpec("test"), null);
  }

  /**
   * @param cipher the keys webhooks are written with and workers start with
   */
  public FanoutHarness(Map<String, String> overrides, SecretCipher cipher) {
    this(overrides, cipher, null, RecordMac.none());
  }

  /**
   * @param secretKeys {@code FANOUT_SECRET_KEYS} of webhooks written and workers started here
   * @param configKeys {@code FANOUT_CONFIG_KEYS} likewise, or null for none
   */
  public FanoutHarness(Map<String, String> overrides, String secretKeys, String configKeys) {
    this(overrides, SecretCipher.parse(secretKeys), secretKeys, RecordMac.parse(configKeys));
  }

  private FanoutHarness(
      Map<String, String> overrides, SecretCipher cipher, String secretKeys, RecordMac recordKeys) {
    Map<String, String> values = new LinkedHashMap<>(ConfigLoader.defaults());
    values.put("kafka.bootstrap.servers", TestKafka.bootstrapServers());
    values.put("consumer.group-id", prefix + "-fanout");
    values.put("topics.events", prefix + ".jobs," + prefix + ".orchestrations");
    values.put("topics.webhooks", prefix + ".webhooks");
    values.put("topics.dlq", prefix + ".dlq");
    values.put("topics.retry-prefix", prefix + ".retry.");
    values.put("topics.attempts", prefix + ".attempts");
    values.put("topics.partitions", "3");
    values.put("delivery.allowed-networks", "127.0.0.0/8");
    values.put("delivery.request-timeout", "3s");
    values.put("retry.schedule", "100ms,200ms,300ms");
    values.put("management.port", "-1");
    values.put("commit.interval", "200ms");
    values.put("shutdown.timeout", "5s");
    values.put("kafka.consumer.session.timeout.ms", "6000");
    values.put("kafka.consumer.heartbeat.interval.ms", "500");
    values.putAll(overrides);
    this.config = FanoutConfig.from(values);
    this.cipher = cipher;
    this.secretKeys = secretKeys;
    this.recordKeys = recordKeys;
    this.codec =
        new SubscriptionCodec(cipher, recordKeys, SubscriptionCodec.Policy.of(config.security()));
    this.clients = new KafkaClients(config.kafka(), prefix);
    this.producer = clients.durableProducer("test");
    try (Admin admin = clients.admin("test")) {
      TopicAdmin.createAll(admin, config);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create test topics", e);
    }
  }

  public FanoutConfig config() {
    return config;
  }

  /**
   * The {@code FANOUT_SECRET_KEYS} webhooks are written with, for commands run against this
   * harness; null when the test passed a cipher of its own.
   */
  public String secretKeys() {
    return secretKeys;
  }

  /** The codec webhooks are written with here. */
  public SubscriptionCodec codec() {
    return codec;
  }

  public String jobsTopic() {
    return config.topics().events().get(0);
  }

  public String orchestrationsTopic() {
    return config.topics().events().get(1);
  }

  public FanoutWorker startWorker() throws Exception {
    return startWorker(config);
  }

  public FanoutWorker startWorker(FanoutConfig workerConfig) throws Exception {
    return startWorker(workerConfig, cipher);
  }

  /**
   * A worker with keys of its own, which may differ from the ones the webhooks were written with.
   */
  public FanoutWorker startWorker(FanoutConfig workerConfig, SecretCipher workerKeys)
      throws Exception {
    FanoutWorker worker =
        FanoutWorker.start(workerConfig, workerKeys, recordKeys, Clock.systemUTC());
    workers.add(worker);
    return worker;
  }

  /** Registers a webhook the way {@code fanout webhooks add} does; returns its id. */
  public String addWebhook(URI url, String events, String secretOrNull) {
    String id = "wh_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    putWebhook(id, SPACE, url, events, true, secretOrNull);
    return id;
  }

  public void putWebhook(
      String id, String space, URI url, String events, boolean enabled, String secretOrNull) {
    byte[] value =
        codec.encode(
            id,
            space,
            url,
            Arrays.asList(events.split(",")),
            enabled,
            secretOrNull == null ? null : new SigningSecret(secretOrNull),
            "test");
    // Each write of an existing webhook advances its version, as the CLI's do: the table takes
    // only changes made from the version it holds.
    long version = versions.merge(id, 1L, Long::sum);
    putConfigRecord(id, codec.withVersion(value, version));
  }

  /** Registers a webhook that accepts at most {@code perSecond} requests a second. */
  public String addRateLimitedWebhook(URI url, String events, int perSecond) {
    String id = "wh_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    byte[] value =
        codec.encode(id, SPACE, url, Arrays.asList(events.split(",")), true, null, "test");
    putConfigRecord(id, codec.withRateLimit(value, perSecond));
    return id;
  }

  public void putConfigRecord(String key, byte[] valueOrNull) {
    send(config.topics().webhooks(), key.getBytes(StandardCharsets.UTF_8), valueOrNull);
  }

  public void deleteWebhook(String id) {
    putConfigRecord(id, null);
  }

  /** An event envelope of the contract, as a producer would write it. */
  public static String event(String id, String type) {
    return "{\"id\":\""
        + id
        + "\",\"type\":\""
        + type
        + "\",\"space_id\":\""
        + SPACE
        + "\",\"occurred_at\":\""
        + Instant.now()
        + "\",\"data\":{\"job\":\"daily_revenue\"}}";
  }

  /** Produces with the space as key, as Y42 does: all such events share one partition. */
  public void produceEvent(String topic, String json) {
    produceEvent(topic, SPACE, json);
  }

  public void produceEvent(String topic, String key, String json) {
    send(topic, key.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
  }

  /** Produces many events at once, keyed by space, and waits until all are acknowledged. */
  public void produceEvents(String topic, int count, java.util.function.IntFunction<String> json) {
    List<java.util.concurrent.Future<?>> acks = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      acks.add(
          producer.send(
              new ProducerRecord<>(
                  topic,
                  SPACE.getBytes(StandardCharsets.UTF_8),
                  json.apply(i).getBytes(StandardCharsets.UTF_8))));
    }
    try {
      for (java.util.concurrent.Future<?> ack : acks) {
        ack.get(30, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      throw new IllegalStateException("produce to " + topic + " failed", e);
    }
  }

  /** Produces an event whose record carries the given timestamp, as a backlog from long ago. */
  public void produceEventAt(String topic, String json, Instant timestamp) {
    try {
      producer
          .send(
              new ProducerRecord<>(
                  topic,
                  null,
                  timestamp.toEpochMilli(),
                  SPACE.getBytes(StandardCharsets.UTF_8),
                  json.getBytes(StandardCharsets.UTF_8)))
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("produce to " + topic + " failed", e);
    }
  }

  /** Every record of every retry tier topic, read to the end. */
  public List<ConsumerRecord<byte[], byte[]>> retryRecords() {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (String topic :
        new dev.fanout.retry.RetryTiers(
                config.topics().retryPrefix(), config.retry().schedule(), config.retry().jitter())
            .topics()) {
      records.addAll(readToEnd(topic));
    }
    return records;
  }

  /** Every record of a topic, read up to the end offsets of the moment of the call. */
  public List<ConsumerRecord<byte[], byte[]>> readToEnd(String topic) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = clients.assignedConsumer("reader")) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException("could not read " + topic + " to its end in 30 s");
        }
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
      }
    }
    return records;
  }

  /** Produces an event, keyed by space, whose record carries the given headers. */
  public void produceEventWithHeaders(String topic, String json, Map<String, String> headers) {
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(
            topic, SPACE.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
    headers.forEach(
        (name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
    try {
      producer.send(record).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("produce to " + topic + " failed", e);
    }
  }

  public void send(String topic, byte[] key, byte[] value) {
    try {
      producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("produce to " + topic + " failed", e);
    }
  }

  /** Reads the dead-letter topic from the start until {@code atLeast} records or the timeout. */
  public List<ConsumerRecord<byte[], byte[]>> deadLetters(int atLeast, Duration timeout) {
    return readTopic(config.topics().dlq(), atLeast, timeout);
  }

  public List<ConsumerRecord<byte[], byte[]>> readTopic(
      String topic, int atLeast, Duration timeout) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = clients.assignedConsumer("reader")) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Instant deadline = Instant.now().plus(timeout);
      while (records.size() < atLeast && Instant.now().isBefore(deadline)) {
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
      }
    }
    return records;
  }

  public static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws Exception {
    for (FanoutWorker worker : workers) {
      worker.close();
    }
    producer.close(Duration.ofSeconds(5));
  }
}
