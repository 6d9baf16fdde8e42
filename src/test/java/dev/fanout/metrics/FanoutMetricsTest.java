package dev.fanout.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.netflix.concurrency.limits.limit.FixedLimit;
import dev.fanout.deadletter.DeadLetter;
import dev.fanout.deadletter.HoldReasons;
import dev.fanout.deadletter.Reasons;
import dev.fanout.delivery.Budget;
import dev.fanout.delivery.DeliveryTask;
import dev.fanout.delivery.EndpointScheduler;
import dev.fanout.delivery.Outcome;
import dev.fanout.event.Event;
import dev.fanout.event.Origin;
import dev.fanout.subscription.EventPattern;
import dev.fanout.subscription.Subscription;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FanoutMetricsTest {
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  @Test
  void everyCatalogueEntryHasADescriptionAndAUniqueDotName() {
    for (Meters meter : Meters.values()) {
      assertThat(meter.description()).as(meter.name()).isNotBlank();
      assertThat(meter.meterName())
          .as(meter.name())
          .matches("fanout(\\.[a-z]+)+")
          .doesNotEndWith(".total")
          .doesNotEndWith(".seconds");
    }
    assertThat(Arrays.stream(Meters.values()).map(Meters::meterName))
        .doesNotHaveDuplicates()
        .contains(
            "fanout.deliveries",
            "fanout.delivery.duration",
            "fanout.end.to.end.latency",
            "fanout.dead.letters",
            "fanout.retries.scheduled",
            "fanout.inflight.deliveries",
            "fanout.subscriptions",
            "fanout.config.records.rejected",
            "fanout.history.dropped");
  }

  @Test
  void registersOnlyCatalogueMetersWithTheirTypesAndTagKeys() {
    FanoutMetrics metrics = fullyExercised(Set.of("job.failed"));

    Map<String, Meters> catalogue =
        Arrays.stream(Meters.values()).collect(Collectors.toMap(Meters::meterName, m -> m));
    List<Meter> registered = registry.getMeters();
    assertThat(registered).isNotEmpty();
    for (Meter meter : registered) {
      Meter.Id id = meter.getId();
      assertThat(catalogue).as("catalogue entry for %s", id).containsKey(id.getName());
      Meters entry = catalogue.get(id.getName());
      assertThat(id.getTags().stream().map(Tag::getKey))
          .as("tag keys of %s", id)
          .containsExactlyInAnyOrderElementsOf(entry.tagKeys());
      assertThat(id.getType()).as("type of %s", id).isEqualTo(micrometerType(entry.type()));
      assertThat(id.getDescription()).isEqualTo(entry.description());
    }
    // Every entry is reachable: the catalogue lists no meter the worker never makes.
    assertThat(registered.stream().map(m -> m.getId().getName()).collect(Collectors.toSet()))
        .containsExactlyInAnyOrderElementsOf(catalogue.keySet());
    assertThat(metrics).isNotNull();
  }

  @Test
  void eventTypesOutsideTheConfiguredListCountAsOtherWhateverTheOrderTheyArriveIn() {
    SimpleMeterRegistry first = new SimpleMeterRegistry();
    SimpleMeterRegistry second = new SimpleMeterRegistry();
    Set<String> listed = Set.of("job.failed", "job.succeeded");
    FanoutMetrics a = new FanoutMetrics(first, clock(), listed);
    FanoutMetrics b = new FanoutMetrics(second, clock(), listed);

    for (String type : List.of("custom.one", "job.failed", "custom.two", "custom.three")) {
      a.delivered(task(type));
    }
    for (String type : List.of("custom.three", "custom.two", "job.failed", "custom.one")) {
      b.delivered(task(type));
    }

    for (SimpleMeterRegistry registry : List.of(first, second)) {
      Map<String, Double> byType =
          registry.find("fanout.deliveries").tag("outcome", "delivered").counters().stream()
              .collect(Collectors.toMap(c -> c.getId().getTag("event_type"), c -> c.count()));
      assertThat(byType)
          .containsExactlyInAnyOrderEntriesOf(Map.of("job.failed", 1.0, "other", 3.0));
    }
  }

  private static Meter.Type micrometerType(Meters.Type type) {
    return switch (type) {
      case COUNTER -> Meter.Type.COUNTER;
      case TIMER -> Meter.Type.TIMER;
      case GAUGE -> Meter.Type.GAUGE;
    };
  }

  /** Calls every binding and every listener method, so every meter FanoutMetrics makes exists. */
  private FanoutMetrics fullyExercised(Set<String> types) {
    FanoutMetrics metrics = new FanoutMetrics(registry, clock(), types);
    metrics.bindGauges(() -> 1, () -> 2);
    metrics.bindStuckPartitions(() -> 0);
    metrics.bindUncommitted(() -> 0);
    metrics.bindUnreadableSecrets(() -> 0);
    metrics.bindOverdueLookups(() -> 0);
    metrics.bindWeakSecrets(() -> 0, () -> 0);
    metrics.bindReady(() -> true);
    EndpointScheduler scheduler =
        new EndpointScheduler(
            new EndpointScheduler.Settings(
                Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(10)),
            CircuitBreakerRegistry.ofDefaults(),
            () -> FixedLimit.of(4),
            1,
            ignored -> FixedLimit.of(4),
            Budget.fixed(10),
            timer,
            System::nanoTime,
            () -> {});
    metrics.bindEndpoints(scheduler, false);
    DeliveryTask offered = task("job.failed");
    scheduler.offer(
        new EndpointScheduler.Job() {
          @Override
          public DeliveryTask task() {
            return offered;
          }

          @Override
          public void start(EndpointScheduler.Permit permit) {}

          @Override
          public void hold(String reason, Duration wait) {}
        });
    metrics.refreshEndpoints();

    DeliveryTask task = task("job.failed");
    metrics.attemptFinished(task, new Outcome.Delivered(200), Duration.ofMillis(12));
    metrics.delivered(task);
    metrics.retryScheduled(
        task, new Outcome.Retry("http_status", 503, null, "503", true), "5s", Duration.ZERO);
    metrics.held(task, HoldReasons.CIRCUIT_OPEN, Duration.ofSeconds(30));
    metrics.deadLettered(
        new DeadLetter(
            task.origin(),
            task.event().body(),
            Reasons.GONE,
            "wh_1",
            task.deliveryId(),
            "evt_1",
            "job.failed",
            410,
            "gone",
            1,
            NOW,
            NOW,
            0));
    metrics.cancelled("job.failed");
    metrics.fenced(task);
    metrics.partitionsRevoked(1);
    metrics.deadLetterWriteFailed(null, new RuntimeException("x"));
    metrics.matched("job.failed", 1);
    metrics.rejected(Reasons.INVALID_EVENT);
    metrics.rejected("wh_bad", "invalid json");
    metrics.historyDropped("buffer_full");
    return metrics;
  }

  private static Clock clock() {
    return Clock.fixed(NOW, ZoneOffset.UTC);
  }

  private static DeliveryTask task(String type) {
    Subscription subscription =
        new Subscription(
            "wh_1",
            "space_42",
            URI.create("https://hooks.example.com/y42"),
            List.of(new EventPattern("*")),
            true,
            null,
            null,
            null,
            "",
            null,
            new byte[0]);
    Event event =
        new Event(
            "evt_1", type, "space_42", NOW.minusSeconds(1), "{}".getBytes(StandardCharsets.UTF_8));
    return DeliveryTask.first(event, subscription, new Origin("jobs", 0, 1, null, NOW));
  }
}
