package dev.fanout.metrics;

import dev.fanout.deadletter.DeadLetter;
import dev.fanout.delivery.DeliveryListener;
import dev.fanout.delivery.DeliveryTask;
import dev.fanout.delivery.EndpointScheduler;
import dev.fanout.delivery.Outcome;
import dev.fanout.subscription.kafka.CompactedTopicSubscriptionStore;
import dev.fanout.worker.DispatchListener;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The catalogue of Fanout's own meters, and the listener that feeds them. Names are Micrometer's
 * dot form; the Prometheus registry renders them as in the contract:
 *
 * <pre>
 *   fanout.deliveries{outcome,event_type}   fanout_deliveries_total     delivered | dead_lettered | cancelled
 *   fanout.delivery.duration                fanout_delivery_duration_seconds (histogram, per attempt)
 *   fanout.end.to.end.latency               fanout_end_to_end_latency_seconds (occurred_at or record time → delivered)
 *   fanout.dead.letters{reason}             fanout_dead_letters_total
 *   fanout.retries.scheduled{tier}          fanout_retries_scheduled_total
 *   fanout.held{reason}                     fanout_held_total           circuit_open | endpoint_busy (no attempt used)
 *   fanout.partitions.revoked               fanout_partitions_revoked_total
 *   fanout.uncommitted.records              fanout_uncommitted_records  consumed, not committed: redone after a crash
 *   fanout.partitions.stuck                 fanout_partitions_stuck     not consumed: a write for their tasks keeps failing
 *   fanout.tasks.fenced                     fanout_tasks_fenced_total   tasks of a revoked partition, left to its next owner
 *   fanout.events{result}                   fanout_events_total         matched | unmatched | invalid_event | payload_too_large
 *   fanout.inflight.deliveries              fanout_inflight_deliveries  tasks between consumption and a durable end
 *   fanout.waiting.deliveries               fanout_waiting_deliveries   of those, waiting in memory for their endpoint
 *   fanout.endpoint.hosts                   fanout_endpoint_hosts       hosts the scheduler keeps state for
 *   fanout.circuit.breakers{state}          fanout_circuit_breakers     webhooks' breakers: closed | open | half_open
 *   fanout.host.concurrency.limit{host}     fanout_host_concurrency_limit  adaptive limit (busiest host, or per host)
 *   fanout.host.inflight{host}              fanout_host_inflight        requests in flight to that host
 *   fanout.subscriptions                    fanout_subscriptions
 *   fanout.subscriptions.unreadable         fanout_subscriptions_unreadable  webhooks whose secret cannot be read (fail closed)
 *   fanout.config.records.rejected          fanout_config_records_rejected_total
 *   fanout.dead.letter.write.failures       fanout_dead_letter_write_failures_total
 *   fanout.history.dropped{reason}          fanout_history_dropped_total  buffer_full | send_failed
 * </pre>
 *
 * Tags come from small fixed sets; {@code event_type} is open, so after {@value #MAX_EVENT_TYPES}
 * distinct types further ones are counted as {@code other}. Per-host meters name no subscriber's
 * host unless {@code metrics.per-endpoint=true}, and then at most {@value #MAX_HOSTS} hosts.
 */
public final class FanoutMetrics
    implements DeliveryListener, DispatchListener, CompactedTopicSubscriptionStore.Listener {
  static final int MAX_EVENT_TYPES = 50;
  static final int MAX_HOSTS = 20;

  private final MeterRegistry registry;
  private final Clock clock;
  private final Set<String> eventTypes = ConcurrentHashMap.newKeySet();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Counter>> deliveries = new ConcurrentHashMap<>();
  private final Timer attemptDuration;
  private final Timer endToEnd;
  private final Counter configRejected;
  private final Counter revoked;
  private final Counter deadLetterWriteFailures;
  private final Counter fenced;
  private final Counter historyBufferFull;
  private final Counter historySendFailed;
  private EndpointScheduler scheduler;
  private boolean perEndpoint;
  private MultiGauge hostLimits;
  private MultiGauge hostInFlight;

  public FanoutMetrics(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
    this.attemptDuration =
        Timer.builder("fanout.delivery.duration")
            .description("Duration of one delivery attempt, from send to response or failure")
            .publishPercentileHistogram()
            .maximumExpectedValue(Duration.ofSeconds(60))
            .register(registry);
    this.endToEnd =
        Timer.builder("fanout.end.to.end.latency")
            .description("From the event's occurred_at (or record timestamp) to its delivery")
            .publishPercentileHistogram()
            .maximumExpectedValue(Duration.ofHours(72))
            .register(registry);
    this.configRejected =
        Counter.builder("fanout.config.records.rejected")
            .description("Config topic records skipped because they failed validation")
            .register(registry);
    this.revoked =
        Counter.builder("fanout.partitions.revoked")
            .description("Partitions taken from this member by rebalances")
            .register(registry);
    this.fenced =
        Counter.builder("fanout.tasks.fenced")
            .description(
                "Tasks of a partition revoked before they ended: they wrote nothing, and the"
                    + " partition's next owner does them again")
            .register(registry);
    this.historyBufferFull = historyDropped(registry, HISTORY_BUFFER_FULL);
    this.historySendFailed = historyDropped(registry, "send_failed");
    this.deadLetterWriteFailures =
        Counter.builder("fanout.dead.letter.write.failures")
            .description("Dead-letter writes that failed and are being retried")
            .register(registry);
  }

  /**
   * A delivery history record was dropped: {@code buffer_full} (the history producer fell behind)
   * or {@code send_failed}. Thread-safe.
   */
  public void historyDropped(String reason) {
    (reason.equals(HISTORY_BUFFER_FULL) ? historyBufferFull : historySendFailed).increment();
  }

  private static final String HISTORY_BUFFER_FULL = "buffer_full";

  private static Counter historyDropped(MeterRegistry registry, String reason) {
    return Counter.builder("fanout.history.dropped")
        .description("Delivery history records dropped so that delivery never waits for history")
        .tag("reason", reason)
        .register(registry);
  }

  /** Gauges read live values; the suppliers must be thread-safe. */
  public void bindGauges(Supplier<Number> inFlight, Supplier<Number> subscriptions) {
    Gauge.builder("fanout.inflight.deliveries", inFlight)
        .description("Delivery tasks started and not yet delivered or dead-lettered")
        .strongReference(true)
        .register(registry);
    Gauge.builder("fanout.subscriptions", subscriptions)
        .description("Subscriptions in the table, enabled or not")
        .strongReference(true)
        .register(registry);
  }

  /** The partitions whose consumption stopped on a write that keeps failing. */
  public void bindStuckPartitions(Supplier<Number> stuck) {
    Gauge.builder("fanout.partitions.stuck", stuck)
        .description("Partitions not consumed because a write for their tasks keeps failing")
        .strongReference(true)
        .register(registry);
  }

  /** Records consumed and not committed: at most what a crash now would make the group redo. */
  public void bindUncommitted(Supplier<Number> uncommitted) {
    Gauge.builder("fanout.uncommitted.records", uncommitted)
        .description(
            "Records consumed and not yet committed (an upper bound): a worker that died now"
                + " would have these consumed again")
        .strongReference(true)
        .register(registry);
  }

  /** Webhooks whose secret cannot be read with the keys configured now. */
  public void bindUnreadableSecrets(Supplier<Number> unreadable) {
    Gauge.builder("fanout.subscriptions.unreadable", unreadable)
        .description(
            "Webhooks whose secret cannot be read with the configured keys; their deliveries are"
                + " dead-lettered as secret_unavailable")
        .strongReference(true)
        .register(registry);
  }

  @Override
  public void fenced(DeliveryTask task) {
    fenced.increment();
  }

  /**
   * Meters of the endpoint scheduler. Per-host meters are refreshed by {@link #refreshEndpoints}:
   * the busiest host only (tagged {@code host="busiest"}), or the busiest {@value #MAX_HOSTS} by
   * name when {@code perEndpoint}.
   */
  public void bindEndpoints(EndpointScheduler scheduler, boolean perEndpoint) {
    this.scheduler = scheduler;
    this.perEndpoint = perEndpoint;
    Gauge.builder("fanout.waiting.deliveries", scheduler::waiting)
        .description("Delivery tasks waiting in memory for their endpoint to take them")
        .strongReference(true)
        .register(registry);
    Gauge.builder("fanout.endpoint.hosts", () -> scheduler.snapshot(0).hosts())
        .description("Hosts whose concurrency limit and lanes are kept")
        .strongReference(true)
        .register(registry);
    for (CircuitBreaker.State state :
        List.of(
            CircuitBreaker.State.CLOSED,
            CircuitBreaker.State.OPEN,
            CircuitBreaker.State.HALF_OPEN)) {
      Gauge.builder(
              "fanout.circuit.breakers",
              () -> scheduler.snapshot(0).breakers().getOrDefault(state, 0))
          .description("Webhooks' circuit breakers by state")
          .tag("state", state.name().toLowerCase(Locale.ROOT))
          .strongReference(true)
          .register(registry);
    }
    hostLimits =
        MultiGauge.builder("fanout.host.concurrency.limit")
            .description("Adaptive limit of requests in flight to a host")
            .register(registry);
    hostInFlight =
        MultiGauge.builder("fanout.host.inflight")
            .description("Requests in flight to a host")
            .register(registry);
    refreshEndpoints();
  }

  /** Reads the busiest hosts' limits again; run periodically. */
  public void refreshEndpoints() {
    if (scheduler == null) {
      return;
    }
    List<EndpointScheduler.HostView> hosts =
        scheduler.snapshot(perEndpoint ? MAX_HOSTS : 1).busiestHosts();
    List<MultiGauge.Row<?>> limits = new ArrayList<>();
    List<MultiGauge.Row<?>> inFlight = new ArrayList<>();
    for (EndpointScheduler.HostView host : hosts) {
      Tags tags = Tags.of("host", perEndpoint ? host.host() : "busiest");
      limits.add(MultiGauge.Row.of(tags, host.limit()));
      inFlight.add(MultiGauge.Row.of(tags, host.inFlight()));
    }
    hostLimits.register(limits, true);
    hostInFlight.register(inFlight, true);
  }

  @Override
  public void attemptFinished(DeliveryTask task, Outcome outcome, Duration elapsed) {
    attemptDuration.record(elapsed);
  }

  @Override
  public void delivered(DeliveryTask task) {
    deliveries("delivered", task.event().type());
    Instant from =
        task.event().occurredAt() != null ? task.event().occurredAt() : task.origin().timestamp();
    Duration latency = Duration.between(from, clock.instant());
    if (!latency.isNegative()) {
      endToEnd.record(latency);
    }
  }

  @Override
  public void retryScheduled(
      DeliveryTask task, Outcome.Retry outcome, String tier, Duration delay) {
    counter("fanout.retries.scheduled", "tier", tier).increment();
  }

  @Override
  public void held(DeliveryTask task, String reason, Duration wait) {
    counter("fanout.held", "reason", reason).increment();
  }

  @Override
  public void deadLettered(DeadLetter deadLetter) {
    counter("fanout.dead.letters", "reason", deadLetter.reason()).increment();
    if (deadLetter.webhookId() != null) {
      deliveries("dead_lettered", deadLetter.eventType());
    }
  }

  @Override
  public void cancelled(String eventType) {
    deliveries("cancelled", eventType);
  }

  @Override
  public void partitionsRevoked(int count) {
    revoked.increment(count);
  }

  @Override
  public void deadLetterWriteFailed(DeadLetter deadLetter, Throwable error) {
    deadLetterWriteFailures.increment();
  }

  @Override
  public void matched(String eventType, int webhooks) {
    counter("fanout.events", "result", webhooks == 0 ? "unmatched" : "matched").increment();
  }

  @Override
  public void rejected(String reason) {
    counter("fanout.events", "result", reason).increment();
  }

  @Override
  public void rejected(String key, String reason) {
    configRejected.increment();
  }

  private void deliveries(String outcome, String eventType) {
    String type = boundedType(eventType);
    deliveries
        .computeIfAbsent(outcome, o -> new ConcurrentHashMap<>())
        .computeIfAbsent(
            type, t -> registry.counter("fanout.deliveries", "outcome", outcome, "event_type", t))
        .increment();
  }

  /**
   * A counter with one tag, found without building its id again: these are counted once or more per
   * delivery. The tag values come from small fixed sets, so the cache stays small.
   */
  private Counter counter(String name, String tag, String value) {
    return counters.computeIfAbsent(name + "\0" + value, k -> registry.counter(name, tag, value));
  }

  private String boundedType(String type) {
    if (eventTypes.contains(type)) {
      return type;
    }
    if (eventTypes.size() < MAX_EVENT_TYPES && eventTypes.add(type)) {
      return type;
    }
    return eventTypes.contains(type) ? type : "other";
  }
}
