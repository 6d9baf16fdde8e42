package dev.fanout.metrics;

import dev.fanout.deadletter.DeadLetter;
import dev.fanout.delivery.DeliveryListener;
import dev.fanout.delivery.DeliveryTask;
import dev.fanout.delivery.EndpointScheduler;
import dev.fanout.delivery.Outcome;
import dev.fanout.subscription.InvalidSubscriptionException;
import dev.fanout.subscription.kafka.CompactedTopicSubscriptionStore;
import dev.fanout.worker.DispatchListener;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The listener that feeds Fanout's own meters, all of them entries of {@link Meters}, which says
 * what each one means.
 *
 * <p>Tags come from small fixed sets. {@code event_type} is open in the contract, so only the types
 * of {@code metrics.event-types} keep their name and every other type counts as {@value
 * #OTHER_TYPE}: a fixed list rather than the first types seen, so every instance puts the same
 * event in the same series. Per-host meters name no subscriber's host unless {@code
 * metrics.per-endpoint=true}, and then at most {@value #MAX_HOSTS} hosts. Thread-safe.
 */
public final class FanoutMetrics
    implements DeliveryListener, DispatchListener, CompactedTopicSubscriptionStore.Listener {
  static final int MAX_HOSTS = 20;
  static final String OTHER_TYPE = "other";

  private final MeterRegistry registry;
  private final Clock clock;
  private final Set<String> eventTypes;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Counter>> deliveries = new ConcurrentHashMap<>();
  private final Timer attemptDuration;
  private final Timer endToEnd;
  private final Map<InvalidSubscriptionException.Kind, Counter> configRejected =
      new EnumMap<>(InvalidSubscriptionException.Kind.class);
  private final Counter revoked;
  private final Counter deadLetterWriteFailures;
  private final Counter fenced;
  private final Counter historyBufferFull;
  private final Counter historySendFailed;
  private EndpointScheduler scheduler;
  private boolean perEndpoint;
  private MultiGauge hostLimits;
  private MultiGauge hostInFlight;

  /**
   * @param eventTypes the event types counted under their own name ({@code metrics.event-types});
   *     every other type counts as {@value #OTHER_TYPE}
   */
  public FanoutMetrics(MeterRegistry registry, Clock clock, Set<String> eventTypes) {
    this.registry = registry;
    this.clock = clock;
    this.eventTypes = Set.copyOf(eventTypes);
    this.attemptDuration =
        Meters.DELIVERY_DURATION
            .timer()
            .publishPercentileHistogram()
            .maximumExpectedValue(Duration.ofSeconds(60))
            .register(registry);
    this.endToEnd =
        Meters.END_TO_END_LATENCY
            .timer()
            .publishPercentileHistogram()
            .maximumExpectedValue(Duration.ofHours(72))
            .register(registry);
    // Every reason from the start, so a rate over them is 0 rather than absent.
    for (InvalidSubscriptionException.Kind kind : InvalidSubscriptionException.Kind.values()) {
      configRejected.put(
          kind,
          Meters.CONFIG_RECORDS_REJECTED.counter().tag("reason", kind.tag()).register(registry));
    }
    this.revoked = Meters.PARTITIONS_REVOKED.counter().register(registry);
    this.fenced = Meters.TASKS_FENCED.counter().register(registry);
    this.historyBufferFull = historyDropped(registry, HISTORY_BUFFER_FULL);
    this.historySendFailed = historyDropped(registry, "send_failed");
    this.deadLetterWriteFailures = Meters.DEAD_LETTER_WRITE_FAILURES.counter().register(registry);
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
    return Meters.HISTORY_DROPPED.counter().tag("reason", reason).register(registry);
  }

  /** Gauges read live values; the suppliers must be thread-safe. */
  public void bindGauges(Supplier<Number> inFlight, Supplier<Number> subscriptions) {
    Meters.INFLIGHT_DELIVERIES.gauge(inFlight).register(registry);
    Meters.SUBSCRIPTIONS.gauge(subscriptions).register(registry);
  }

  /** The partitions whose consumption stopped on a write that keeps failing. */
  public void bindStuckPartitions(Supplier<Number> stuck) {
    Meters.PARTITIONS_STUCK.gauge(stuck).register(registry);
  }

  /** DNS lookups still running after their callers were released (delivery.dns-lookup-timeout). */
  public void bindOverdueLookups(Supplier<Number> overdue) {
    Meters.DNS_LOOKUPS_OVERDUE.gauge(overdue).register(registry);
  }

  /** Records consumed and not committed: at most what a crash now would make the group redo. */
  public void bindUncommitted(Supplier<Number> uncommitted) {
    Meters.UNCOMMITTED_RECORDS.gauge(uncommitted).register(registry);
  }

  /** 1 while the worker is ready, else 0: what an alert on no ready instance counts. */
  public void bindReady(java.util.function.BooleanSupplier ready) {
    Meters.READY.gauge(() -> ready.getAsBoolean() ? 1 : 0).register(registry);
  }

  /** Webhooks whose secret cannot be read with the keys configured now. */
  public void bindUnreadableSecrets(Supplier<Number> unreadable) {
    Meters.SUBSCRIPTIONS_UNREADABLE.gauge(unreadable).register(registry);
  }

  /**
   * Webhooks in use whose secret is stored weakly: in the clear, or bound to the webhook id only.
   */
  public void bindWeakSecrets(Supplier<Number> plaintext, Supplier<Number> legacyBinding) {
    Meters.SUBSCRIPTIONS_WEAK_SECRETS
        .gauge(plaintext)
        .tag("storage", "plaintext")
        .register(registry);
    Meters.SUBSCRIPTIONS_WEAK_SECRETS
        .gauge(legacyBinding)
        .tag("storage", "legacy_binding")
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
    Meters.WAITING_DELIVERIES.gauge(scheduler::waiting).register(registry);
    Meters.ENDPOINT_HOSTS.gauge(() -> scheduler.snapshot(0).hosts()).register(registry);
    Meters.DELIVERY_BUDGET.gauge(() -> scheduler.budget().get()).register(registry);
    for (CircuitBreaker.State state :
        List.of(
            CircuitBreaker.State.CLOSED,
            CircuitBreaker.State.OPEN,
            CircuitBreaker.State.HALF_OPEN)) {
      Meters.CIRCUIT_BREAKERS
          .gauge(() -> scheduler.snapshot(0).breakers().getOrDefault(state, 0))
          .tag("state", state.name().toLowerCase(Locale.ROOT))
          .register(registry);
    }
    hostLimits = Meters.HOST_CONCURRENCY_LIMIT.multiGauge().register(registry);
    hostInFlight = Meters.HOST_INFLIGHT.multiGauge().register(registry);
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
    counter(Meters.RETRIES_SCHEDULED, "tier", tier).increment();
  }

  @Override
  public void held(DeliveryTask task, String reason, Duration wait) {
    counter(Meters.HELD, "reason", reason).increment();
  }

  @Override
  public void deadLettered(DeadLetter deadLetter) {
    counter(Meters.DEAD_LETTERS, "reason", deadLetter.reason()).increment();
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
    counter(Meters.EVENTS, "result", webhooks == 0 ? "unmatched" : "matched").increment();
  }

  @Override
  public void rejected(String reason) {
    counter(Meters.EVENTS, "result", reason).increment();
  }

  @Override
  public void rejected(String key, String reason) {
    rejected(key, InvalidSubscriptionException.Kind.INVALID, reason);
  }

  @Override
  public void rejected(String key, InvalidSubscriptionException.Kind kind, String reason) {
    configRejected.get(kind).increment();
  }

  private void deliveries(String outcome, String eventType) {
    String type = boundedType(eventType);
    deliveries
        .computeIfAbsent(outcome, o -> new ConcurrentHashMap<>())
        .computeIfAbsent(
            type,
            t ->
                Meters.DELIVERIES
                    .counter()
                    .tags("outcome", outcome, "event_type", t)
                    .register(registry))
        .increment();
  }

  /**
   * A counter with one tag, found without building its id again: these are counted once or more per
   * delivery. The tag values come from small fixed sets, so the cache stays small.
   */
  private Counter counter(Meters meter, String tag, String value) {
    return counters.computeIfAbsent(
        meter.meterName() + "\0" + value, k -> meter.counter().tag(tag, value).register(registry));
  }

  private String boundedType(String type) {
    return type != null && eventTypes.contains(type) ? type : OTHER_TYPE;
  }
}
