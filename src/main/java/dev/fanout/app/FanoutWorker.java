package dev.fanout.app;

import dev.fanout.config.FanoutConfig;
import dev.fanout.deadletter.kafka.KafkaDeadLetterWriter;
import dev.fanout.delivery.AttemptLog;
import dev.fanout.delivery.Budget;
import dev.fanout.delivery.ConcurrencyLimits;
import dev.fanout.delivery.DeliveryEngine;
import dev.fanout.delivery.DeliveryListener;
import dev.fanout.delivery.DeliveryListeners;
import dev.fanout.delivery.EndpointScheduler;
import dev.fanout.delivery.RoomSignal;
import dev.fanout.delivery.http.ApacheHttpWebhookSender;
import dev.fanout.event.EventParser;
import dev.fanout.history.HistoryListener;
import dev.fanout.history.HistoryWriter;
import dev.fanout.history.kafka.KafkaHistoryWriter;
import dev.fanout.kafka.KafkaClients;
import dev.fanout.kafka.RecordSender;
import dev.fanout.kafka.TopicAdmin;
import dev.fanout.metrics.FanoutMetrics;
import dev.fanout.metrics.LibraryMeterNames;
import dev.fanout.metrics.ManagementServer;
import dev.fanout.retry.RetryPolicy;
import dev.fanout.retry.RetryRouter;
import dev.fanout.retry.RetryTiers;
import dev.fanout.retry.TierRetries;
import dev.fanout.retry.kafka.KafkaRetryScheduler;
import dev.fanout.signing.RecordMac;
import dev.fanout.signing.SecretCipher;
import dev.fanout.subscription.GoneWebhooks;
import dev.fanout.subscription.SubscriptionCodec;
import dev.fanout.subscription.SubscriptionIndex;
import dev.fanout.subscription.SubscriptionTable;
import dev.fanout.subscription.kafka.CompactedTopicSubscriptionStore;
import dev.fanout.subscription.kafka.KafkaSubscriptionWriter;
import dev.fanout.worker.Dispatcher;
import dev.fanout.worker.EventRouter;
import dev.fanout.worker.Topics;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds and wires one worker from a configuration, and takes it down in the
 * reverse order. Nothing else in Fanout constructs these parts.
 *
 * <pre>
 *   config topic ─► CompactedTopicSubscriptionStore ─► SubscriptionIndex ◄─┐
 *   event topics ─► Dispatcher(EventRouter) ─┐
 *   retry tiers ──► Dispatcher(RetryRouter) ─┴► DeliveryEngine ─► EndpointScheduler, ApacheHttpWebhookSender
 *        ▲                                          ├─► TierRetries ─► KafkaRetryScheduler ─► retry tiers
 *        └──────────────────────────────────────────┤─► KafkaDeadLetterWriter ─► dead-letter topic
 *                                                   └─► KafkaSubscriptionWriter (410: disable)
 *   FanoutMetrics listens to all three; HistoryListener ─► KafkaHistoryWriter ─► attempts topic
 *   (history.enabled); ManagementServer serves /metrics and /health.
 * </pre>
 */
public final class FanoutWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FanoutWorker.class);
  private static final long MAINTENANCE_MILLIS = 100;

  private final FanoutConfig config;

  /**
   * How long the subscription table may stay behind its topic before the worker says it is not
   * ready: long enough for a burst of config writes, short enough that deliveries made from an old
   * table are noticed.
   */
  static final Duration SUBSCRIPTIONS_LAG_TOLERANCE = Duration.ofSeconds(30);

  private final PrometheusMeterRegistry registry;
  private final CompactedTopicSubscriptionStore store;
  private final KafkaProducer<byte[], byte[]> producer;
  private final RecordSender sends;
  private final ApacheHttpWebhookSender sender;
  private final HistoryWriter history;
  private final EngineExecutor engineExecutor;
  private final DeliveryEngine engine;
  private final Dispatcher events;
  private final Dispatcher retries;
  private final Thread eventThread;
  private final Thread retryThread;
  private final ManagementServer management;
  private final Clock clock;
  private final List<KafkaClientMetrics> kafkaMeters = new java.util.ArrayList<>();
  private volatile boolean closed;
  private volatile boolean tableLost;

  private FanoutWorker(FanoutConfig config, SecretCipher cipher, RecordMac recordKeys, Clock clock)
      throws InterruptedException {
    this.config = config;
    this.clock = clock;
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(new LibraryMeterNames());
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    FanoutMetrics metrics =
        new FanoutMetrics(
            registry, clock, java.util.Set.copyOf(config.operations().metricEventTypes()));
    KafkaClients clients = new KafkaClients(config.kafka(), "fanout");

    SubscriptionCodec codec =
        new SubscriptionCodec(cipher, recordKeys, SubscriptionCodec.Policy.of(config.security()));
    SubscriptionIndex index = new SubscriptionIndex();
    this.producer = clients.workerProducer("worker", TopicAdmin.maxRecordBytes(config.delivery()));
    bindKafkaMeters(producer);
    this.sends = new RecordSender(producer, "fanout-kafka-send");
    // Tells this worker's own config writes (a 410 disable) from everyone else's.
    String writerId = "worker-" + UUID.randomUUID();
    KafkaSubscriptionWriter subscriptionWriter =
        new KafkaSubscriptionWriter(sends, config.topics().webhooks(), writerId);

    KafkaConsumer<byte[], byte[]> configConsumer = clients.assignedConsumer("subscriptions");
    bindKafkaMeters(configConsumer);
    this.store =
        new CompactedTopicSubscriptionStore(
            configConsumer,
            config.topics().webhooks(),
            codec,
            index,
            metrics,
            writerId,
            subscriptionWriter);

    CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(breakerConfig(config.breaker()));
    RetryTiers tiers =
        new RetryTiers(
            config.topics().retryPrefix(), config.retry().schedule(), config.retry().jitter());

    FanoutConfig.Delivery delivery = config.delivery();
    // Response snippets are kept only for history: without it, no body byte is kept.
    this.sender =
        new ApacheHttpWebhookSender(
            delivery, config.history().enabled() ? config.history().responseSnippetBytes() : 0);
    this.engineExecutor = new EngineExecutor("fanout-engine");
    RoomSignal room = new RoomSignal();
    Budget budget =
        Budget.adaptive(
            delivery.hostConcurrency().max(), delivery.maxInFlight(), Budget.processCpu());
    engineExecutor.every(
        Budget.WINDOW_MILLIS,
        TimeUnit.MILLISECONDS,
        "budget",
        () -> {
          if (budget.adapt()) {
            room.signal();
          }
        });
    EndpointScheduler scheduler =
        new EndpointScheduler(
            new EndpointScheduler.Settings(
                delivery.maxQueueWait(),
                config.breaker().waitInOpen(),
                delivery.endpointIdleTimeout()),
            breakers,
            ConcurrencyLimits.hosts(delivery.hostConcurrency(), delivery.requestTimeout()),
            delivery.hostConcurrency().min(),
            ConcurrencyLimits.lanes(delivery.hostConcurrency(), delivery.requestTimeout()),
            budget,
            engineExecutor,
            System::nanoTime,
            room::signal);
    engineExecutor.every(
        MAINTENANCE_MILLIS, TimeUnit.MILLISECONDS, "endpoint upkeep", scheduler::maintain);
    FanoutConfig.Retry retry = config.retry();
    List<DeliveryListener> listeners = new java.util.ArrayList<>(List.of(metrics));
    this.history = config.history().enabled() ? historyWriter(clients, metrics) : null;
    if (history != null) {
      listeners.add(new HistoryListener(history, clock));
    }
    if (config.operations().logAttempts()) {
      listeners.add(new AttemptLog());
    }
    this.engine =
        new DeliveryEngine(
            sender,
            new KafkaDeadLetterWriter(sends, config.topics().dlq()),
            new TierRetries(
                new RetryPolicy(
                    retry.schedule(),
                    retry.jitter(),
                    retry.maxRetryAfter(),
                    retry.maxAge(),
                    retry.maxHold(),
                    () -> ThreadLocalRandom.current().nextDouble()),
                new KafkaRetryScheduler(sends, tiers, clock),
                clock),
            new GoneWebhooks(subscriptionWriter, codec, index),
            scheduler,
            room,
            DeliveryListeners.of(listeners),
            clock,
            engineExecutor);
    metrics.bindGauges(engine::inFlight, index::size);
    metrics.bindEndpoints(scheduler, config.operations().perEndpointMetrics());
    engineExecutor.every(5, TimeUnit.SECONDS, "endpoint meters", metrics::refreshEndpoints);

    EventParser parser = new EventParser(config.delivery().maxBodyBytes());
    String group = config.kafka().groupId();
    KafkaConsumer<byte[], byte[]> eventConsumer =
        clients.groupConsumer(group, "events", Map.of("max.poll.records", 500));
    bindKafkaMeters(eventConsumer);
    this.events =
        new Dispatcher(
            "events",
            eventConsumer,
            new Topics.Named(config.topics().events()),
            new EventRouter(parser, index, metrics),
            engine,
            metrics,
            config.operations().commitInterval(),
            config.operations().shutdownTimeout(),
            config.operations().rebalanceDrainTimeout(),
            clock);
    KafkaConsumer<byte[], byte[]> retryConsumer =
        clients.groupConsumer(group + "-retries", "retries", Map.of("max.poll.records", 500));
    bindKafkaMeters(retryConsumer);
    this.retries =
        new Dispatcher(
            "retries",
            retryConsumer,
            new Topics.Matching(tiers.anyTier()),
            new RetryRouter(parser, index, metrics, tiers, clock),
            engine,
            metrics,
            config.operations().commitInterval(),
            config.operations().shutdownTimeout(),
            config.operations().rebalanceDrainTimeout(),
            clock);
    metrics.bindStuckPartitions(() -> events.stuckPartitions() + retries.stuckPartitions());
    metrics.bindUncommitted(() -> events.uncommittedRecords() + retries.uncommittedRecords());
    metrics.bindUnreadableSecrets(() -> store.unreadableSecrets(clock.instant()));
    metrics.bindOverdueLookups(sender::overdueLookups);
    metrics.bindWeakSecrets(store::plaintextSecrets, store::legacyBoundSecrets);
    metrics.bindReady(this::ready);
    engineExecutor.every(1, TimeUnit.SECONDS, "subscription watch", this::stopIfTableLost);
    this.eventThread = new Thread(events, "fanout-events");
    this.retryThread = new Thread(retries, "fanout-retries");

    int port = config.operations().managementPort();
    this.management =
        port < 0
            ? null
            : new ManagementServer(
                config.operations().managementBindAddress(),
                port,
                registry,
                this::live,
                this::ready);
  }

  /**
   * Starts a worker: reads the subscription table to its end, then joins the consumer group.
   *
   * @throws IllegalStateException when the subscription table cannot be read
   */
  public static FanoutWorker start(FanoutConfig config, SecretCipher cipher, Clock clock)
      throws IOException, InterruptedException {
    return start(config, cipher, RecordMac.none(), clock);
  }

  /**
   * As {@link #start(FanoutConfig, SecretCipher, Clock)}, with keys that sign this worker's config
   * writes (a 410 disable) and verify the records it reads.
   *
   * @throws IllegalArgumentException when authenticated config is required and there is no key
   */
  public static FanoutWorker start(
      FanoutConfig config, SecretCipher cipher, RecordMac recordKeys, Clock clock)
      throws IOException, InterruptedException {
    checkTopics(config);
    FanoutWorker worker = new FanoutWorker(config, cipher, recordKeys, clock);
    try {
      worker.run();
    } catch (RuntimeException | InterruptedException e) {
      worker.close();
      throw e;
    }
    return worker;
  }

  /**
   * Delivery history has a producer of its own, tuned for throughput, so it never delays a write.
   */
  private HistoryWriter historyWriter(KafkaClients clients, FanoutMetrics metrics) {
    FanoutConfig.History h = config.history();
    KafkaProducer<byte[], byte[]> historyProducer =
        clients.bestEffortProducer(
            "history",
            Map.of(
                "linger.ms", h.linger().toMillis(),
                "compression.type", h.compression(),
                "buffer.memory", h.bufferBytes()));
    bindKafkaMeters(historyProducer);
    return new KafkaHistoryWriter(
        historyProducer, config.topics().attempts(), h.bufferRecords(), metrics::historyDropped);
  }

  /** Micrometer's meters of a Kafka client; closed with the worker, which stops their thread. */
  private void bindKafkaMeters(org.apache.kafka.clients.producer.Producer<?, ?> client) {
    KafkaClientMetrics meters = new KafkaClientMetrics(client);
    meters.bindTo(registry);
    kafkaMeters.add(meters);
  }

  private void bindKafkaMeters(org.apache.kafka.clients.consumer.Consumer<?, ?> client) {
    KafkaClientMetrics meters = new KafkaClientMetrics(client);
    meters.bindTo(registry);
    kafkaMeters.add(meters);
  }

  /** Refuses to start without the topics it writes to; names tiers of an earlier schedule. */
  private static void checkTopics(FanoutConfig config) throws InterruptedException {
    try (Admin admin = new KafkaClients(config.kafka(), "fanout").admin("startup")) {
      for (String orphan : TopicAdmin.requireWorkerTopics(admin, config)) {
        log.warn(
            "retry tier {} is not in retry.schedule; its records are still consumed and"
                + " delivered when due",
            orphan);
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot list the topics of the cluster: " + e, e);
    }
  }

  private void run() throws InterruptedException {
    Thread storeThread = new Thread(store, "fanout-subscriptions");
    storeThread.setDaemon(true);
    storeThread.start();
    while (!store.awaitCaughtUp(Duration.ofSeconds(10))) {
      log.info("still reading the subscription table from {}", config.topics().webhooks());
    }
    eventThread.start();
    retryThread.start();
    log.info(
        "worker started: group {} on {}, management port {}",
        config.kafka().groupId(),
        config.topics().events(),
        managementPort());
  }

  /**
   * Live: the consumer loops and the subscription reader are still running. A loop stopped by an
   * unexpected error makes the worker not live, so an orchestrator restarts it instead of leaving a
   * member that consumes nothing.
   */
  public boolean live() {
    return closed || (events.isRunning() && retries.isRunning() && !store.failed());
  }

  /**
   * Ready: the subscription table has caught up, is still being read and has not been behind the
   * config topic for longer than {@link #SUBSCRIPTIONS_LAG_TOLERANCE}, this member owns partitions,
   * no partition is stuck on a write that keeps failing, every webhook's secret can be read, and
   * shutdown has not begun. While it drains at shutdown the worker is live but not ready, so it is
   * taken out of service (and its pod out of a rollout's count) before it goes.
   */
  public boolean ready() {
    return !closed
        && store.isCaughtUp()
        && !store.failed()
        && !store.behindLongerThan(SUBSCRIPTIONS_LAG_TOLERANCE)
        && events.hasAssignment()
        && stuckPartitions() == 0
        && store.unreadableSecrets(clock.instant()) == 0;
  }

  /**
   * A reader of the subscription table that stopped on an error leaves the table frozen: a deleted
   * or disabled webhook would go on receiving. The consumer loops stop too (they drain and commit
   * what finished), and liveness fails, so the orchestrator starts a fresh worker.
   */
  private void stopIfTableLost() {
    if (store.failed() && !tableLost) {
      tableLost = true;
      log.error("the subscription table is no longer read; stopping consumption");
      events.stop();
      retries.stop();
    }
  }

  /** Partitions not consumed because a write for their tasks keeps failing. */
  public int stuckPartitions() {
    return events.stuckPartitions() + retries.stuckPartitions();
  }

  /** The bound management port, or -1 when turned off. */
  public int managementPort() {
    return management == null ? -1 : management.port();
  }

  /** The worker's live view of the subscriptions. */
  public SubscriptionTable subscriptions() {
    return store.index();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  private static CircuitBreakerConfig breakerConfig(FanoutConfig.Breaker b) {
    return CircuitBreakerConfig.custom()
        .failureRateThreshold(b.failureRateThreshold())
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(b.slidingWindowSize())
        .minimumNumberOfCalls(b.minimumCalls())
        .waitDurationInOpenState(b.waitInOpen())
        .permittedNumberOfCallsInHalfOpenState(b.halfOpenCalls())
        .automaticTransitionFromOpenToHalfOpenEnabled(false)
        .build();
  }

  /**
   * Stops taking events, gives in-flight deliveries up to {@code shutdown.timeout} to finish,
   * commits what finished and closes every client. Safe to call more than once.
   */
  @Override
  public synchronized void close() throws InterruptedException {
    if (closed) {
      return;
    }
    closed = true;
    Duration timeout = config.operations().shutdownTimeout().plusSeconds(10);
    // Both loops drain at once, sharing the shutdown timeout.
    events.stop();
    retries.stop();
    engine.stopping();
    for (Dispatcher dispatcher : List.of(events, retries)) {
      if (!dispatcher.awaitStopped(timeout)) {
        log.warn("a dispatcher did not stop within {}", timeout);
      }
    }
    engineExecutor.shutdownNow();
    engineExecutor.awaitTermination(5, TimeUnit.SECONDS);
    sender.close();
    if (history != null) {
      history.close();
    }
    sends.close();
    producer.close(Duration.ofSeconds(10));
    store.close();
    if (management != null) {
      management.close();
    }
    kafkaMeters.forEach(KafkaClientMetrics::close);
    registry.close();
    log.info("worker stopped");
  }
}
