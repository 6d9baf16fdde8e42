package dev.fanout.fault;

import dev.fanout.config.ConfigLoader;
import dev.fanout.config.FanoutConfig;
import dev.fanout.kafka.TopicAdmin;
import dev.fanout.retry.RetryTiers;
import dev.fanout.signing.SecretCipher;
import dev.fanout.signing.SigningSecret;
import dev.fanout.subscription.SubscriptionCodec;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The topology of one fault scenario, every part in its own process or server:
 *
 * <pre>
 *   EventLoad ──► broker process (KRaft) ◄──► worker processes (java -jar target/fanout.jar worker)
 *                   │ dead-letter topic                  │ POST
 *                   ▼                                    ▼
 *               DeadLetters                    Receivers (one port per endpoint) ──► DeliveryLedger
 * </pre>
 *
 * Every space has one webhook per endpoint, each subscribed to every job event, so each event has a
 * known fan-out: one delivery per endpoint. {@link #close()} stops every process it started.
 */
final class FaultRun implements AutoCloseable {
  static final String GROUP = "fault";
  static final String EVENTS = "fault.events";
  static final String WEBHOOKS = "fault.webhooks";
  static final String DLQ = "fault.dlq";
  private static final int SPACES = 24;
  private static final Duration READY = Duration.ofSeconds(120);

  private final String name;
  private final Path dir;
  private final Map<String, String> settings;

  /** FANOUT_SECRET_KEYS of the run: secrets are encrypted, and every worker gets the key. */
  private final String secretKeys = SecretCipher.generateKeySpec("fault");

  private final Map<String, String> overrides;
  private final FanoutConfig config;
  private final BrokerProcess broker;
  private final DeliveryLedger ledger = new DeliveryLedger();
  private final Receivers receivers = new Receivers(ledger);
  private final List<String> spaces = new ArrayList<>();
  private final List<String> endpoints = new ArrayList<>();
  private final KafkaProducer<byte[], byte[]> configProducer;
  private final EventLoad load;
  private final DeadLetters deadLetters;
  private final Map<String, WorkerProcess> workers = new LinkedHashMap<>();
  private int started;
  private List<DeadLetters.DeadLetter> finalDeadLetters = List.of();

  /**
   * Starts the broker, creates the topics and the receivers and registers the webhooks; workers are
   * started with {@link #startWorkers}.
   *
   * @param overrides settings of this scenario on top of the harness's own
   */
  FaultRun(
      String name,
      Map<String, Receivers.Behaviour> endpointBehaviours,
      Map<String, String> overrides)
      throws Exception {
    this.name = name;
    this.overrides = Map.copyOf(overrides);
    this.dir =
        Files.createDirectories(
                Path.of("target", "fault-runs", name + "-" + System.currentTimeMillis()))
            .toAbsolutePath();
    this.broker = BrokerProcess.start(dir);
    this.settings = new LinkedHashMap<>();
    settings.put("kafka.bootstrap.servers", broker.bootstrapServers());
    settings.put("consumer.group-id", GROUP);
    settings.put("topics.events", EVENTS);
    settings.put("topics.webhooks", WEBHOOKS);
    settings.put("topics.dlq", DLQ);
    settings.put("topics.retry-prefix", "fault.retry.");
    settings.put("topics.attempts", "fault.attempts");
    settings.put("topics.partitions", "6");
    settings.put("delivery.allowed-networks", "127.0.0.0/8");
    settings.put("commit.interval", "200ms");
    settings.put("shutdown.timeout", "20s");
    settings.put("retry.schedule", "1s,2s,4s");
    settings.put("kafka.consumer.session.timeout.ms", "10000");
    settings.put("kafka.consumer.heartbeat.interval.ms", "1000");
    settings.put("log.format", "text");
    settings.putAll(overrides);
    Map<String, String> all = new LinkedHashMap<>(ConfigLoader.defaults());
    all.putAll(settings);
    this.config = FanoutConfig.from(all);
    createTopics();
    this.configProducer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new ByteArraySerializer(),
            new ByteArraySerializer());
    for (int i = 0; i < SPACES; i++) {
      spaces.add("space_" + i);
    }
    SubscriptionCodec codec = new SubscriptionCodec(SecretCipher.parse(secretKeys));
    for (Map.Entry<String, Receivers.Behaviour> e : endpointBehaviours.entrySet()) {
      URI url = receivers.start("/" + e.getKey(), e.getValue());
      endpoints.add(e.getKey());
      for (String space : spaces) {
        String id = webhookId(space, e.getKey());
        putConfigRecord(
            id,
            codec.encode(
                id,
                space,
                url,
                List.of("job.*"),
                true,
                new SigningSecret("fault-s3cret-" + id),
                "fault"));
      }
    }
    this.load = new EventLoad(broker.bootstrapServers(), EVENTS, spaces, name);
    this.deadLetters = new DeadLetters(broker.bootstrapServers(), DLQ);
  }

  static String webhookId(String space, String endpoint) {
    return "wh_" + space + "_" + endpoint;
  }

  private void createTopics() throws Exception {
    List<NewTopic> plan = new ArrayList<>(TopicAdmin.plan(config));
    for (NewTopic topic : plan) {
      if (topic.name().equals(EVENTS)) {
        // Poison includes a 5 MiB record: the event topic must take it so the worker sees it.
        topic.configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(6 << 20)));
      }
    }
    try (Admin admin = admin()) {
      admin.createTopics(plan).all().get(60, TimeUnit.SECONDS);
    }
  }

  private Admin admin() {
    return Admin.create(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers(),
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
            5_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            10_000));
  }

  String name() {
    return name;
  }

  Path dir() {
    return dir;
  }

  /** The settings this scenario sets on top of the harness's own. */
  Map<String, String> overrides() {
    return new TreeMap<>(overrides);
  }

  BrokerProcess broker() {
    return broker;
  }

  EventLoad load() {
    return load;
  }

  DeliveryLedger ledger() {
    return ledger;
  }

  List<String> endpoints() {
    return endpoints;
  }

  List<String> spaces() {
    return spaces;
  }

  void putConfigRecord(String key, byte[] value) throws Exception {
    configProducer
        .send(new ProducerRecord<>(WEBHOOKS, key.getBytes(StandardCharsets.UTF_8), value))
        .get(30, TimeUnit.SECONDS);
  }

  /** Starts {@code count} workers at once and waits until each is ready. */
  List<WorkerProcess> startWorkers(int count) throws Exception {
    List<WorkerProcess> fresh = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      fresh.add(startWorker());
    }
    for (WorkerProcess w : fresh) {
      w.awaitReady(READY);
    }
    return fresh;
  }

  /** Starts one more worker (not waiting for it to be ready). */
  WorkerProcess startWorker() throws Exception {
    WorkerProcess w =
        WorkerProcess.start(
            "worker-" + (++started), settings, Map.of(SecretCipher.KEYS_VARIABLE, secretKeys), dir);
    workers.put(w.name(), w);
    return w;
  }

  /** Every worker started, dead or alive. */
  List<WorkerProcess> workers() {
    return new ArrayList<>(workers.values());
  }

  List<WorkerProcess> liveWorkers() {
    return workers.values().stream().filter(WorkerProcess::isAlive).toList();
  }

  /** The (event, webhook) pairs of every event the broker acknowledged. */
  Set<DeliveryLedger.Pair> expectedPairs() {
    Set<DeliveryLedger.Pair> pairs = new HashSet<>();
    for (EventLoad.Produced p : load.produced()) {
      for (String endpoint : endpoints) {
        pairs.add(new DeliveryLedger.Pair(p.id(), webhookId(p.space(), endpoint)));
      }
    }
    return pairs;
  }

  /**
   * Waits, at most {@code timeout}, until every expected pair was delivered or dead-lettered and
   * both consumer groups (events and retries) have committed everything, twice in a row a second
   * apart. Returns whether that happened; what did not settle is counted as lost.
   */
  boolean awaitSettled(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    int quiet = 0;
    while (Instant.now().isBefore(deadline)) {
      boolean resolved =
          expectedPairs().stream().allMatch(p -> ledger.isDelivered(p) || deadLetters.contains(p));
      quiet = resolved && lag() == 0 ? quiet + 1 : 0;
      if (quiet >= 2) {
        return true;
      }
      WorkerProcess.pause(Duration.ofSeconds(1));
    }
    return false;
  }

  /** Records not yet committed by either group, or -1 when the broker cannot tell. */
  long lag() {
    try (Admin admin = admin()) {
      List<String> retryTopics =
          new RetryTiers(
                  config.topics().retryPrefix(), config.retry().schedule(), config.retry().jitter())
              .topics();
      return GroupLag.of(admin, GROUP, List.of(EVENTS))
          + GroupLag.of(admin, GROUP + "-retries", retryTopics);
    } catch (Exception e) {
      return -1;
    }
  }

  /** SIGTERM to every live worker at once; waits for them to exit. */
  void stopWorkers() throws InterruptedException {
    List<WorkerProcess> live = liveWorkers();
    for (WorkerProcess w : live) {
      w.signalTerm();
    }
    for (WorkerProcess w : live) {
      if (!w.awaitExit(Duration.ofSeconds(60))) {
        w.kill();
      }
    }
  }

  /** Counts every expected pair, after the workers have stopped. */
  Tally tally() {
    finalDeadLetters = deadLetters.readAll(Duration.ofSeconds(60));
    return Tally.of(expectedPairs(), ledger, finalDeadLetters);
  }

  /** The count of the last {@link #tally()}, over the pairs {@code include} accepts. */
  Tally lastTally(Predicate<DeliveryLedger.Pair> include) {
    return Tally.of(expectedPairs(), ledger, finalDeadLetters, include);
  }

  /** The dead letters read by the last {@link #tally()}. */
  List<DeadLetters.DeadLetter> lastDeadLetters() {
    return finalDeadLetters;
  }

  /** The committed offsets of the event consumer group now. */
  Map<TopicPartition, OffsetAndMetadata> committedEventOffsets() throws Exception {
    try (Admin admin = admin()) {
      return admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get();
    }
  }

  /** Every dead letter written, read to the end. */
  List<DeadLetters.DeadLetter> allDeadLetters() {
    return deadLetters.readAll(Duration.ofSeconds(60));
  }

  @Override
  public void close() throws Exception {
    for (WorkerProcess w : workers.values()) {
      w.close();
    }
    load.close();
    deadLetters.close();
    configProducer.close(Duration.ofSeconds(5));
    receivers.close();
    broker.close();
    deleteRecursively(dir.resolve("broker").resolve("logs"));
  }

  private static void deleteRecursively(Path path) {
    try (Stream<Path> paths = Files.walk(path)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // The broker's data is only kept to save disk; a leftover under target/ is harmless.
    }
  }
}
