package dev.fanout.it;

import static dev.fanout.testing.FanoutHarness.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.app.FanoutWorker;
import dev.fanout.testing.FanoutHarness;
import dev.fanout.testing.TestReceiver;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An endpoint's breaker opens on failures, holds its work, and lets it through once it heals. */
class CircuitBreakerIT {
  private static final Duration WAIT = Duration.ofSeconds(90);

  private TestReceiver receiver;
  private FanoutHarness fanout;

  @BeforeEach
  void start() throws Exception {
    receiver = new TestReceiver();
    fanout =
        new FanoutHarness(
            Map.of(
                "breaker.minimum-calls", "4",
                "breaker.sliding-window-size", "4",
                "breaker.failure-rate-threshold", "50",
                "breaker.wait-in-open", "1s",
                "breaker.half-open-calls", "1",
                "retry.schedule", "300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms",
                "retry.max-age", "10m"));
  }

  @AfterEach
  void stop() throws Exception {
    fanout.close();
    receiver.close();
  }

  @Test
  void opensHoldsTasksAndDeliversThemAllOnceTheEndpointHeals() throws Exception {
    AtomicBoolean healthy = new AtomicBoolean(false);
    receiver.answer("/sick", r -> TestReceiver.Reply.status(healthy.get() ? 200 : 500));
    fanout.addWebhook(receiver.url("/sick"), "*", "test-secret-0123456789");
    FanoutWorker worker = fanout.startWorker();
    for (int i = 0; i < 10; i++) {
      fanout.produceEvent(fanout.jobsTopic(), event("evt_" + i, "job.failed"));
    }

    await().atMost(WAIT).until(() -> held(worker) > 0);
    int whileOpen = receiver.requests("/sick").size();
    assertThat(breakerState(worker, "open")).isEqualTo(1.0);
    healthy.set(true);

    await()
        .atMost(WAIT)
        .until(() -> new HashSet<>(receiver.deliveredEventIds("/sick")).size() == 10);
    assertThat(receiver.requests("/sick").size()).isGreaterThan(whileOpen);
    await().atMost(WAIT).until(() -> breakerState(worker, "closed") == 1.0);
    assertThat(fanout.deadLetters(1, Duration.ofSeconds(2))).isEmpty();
    assertThat(
            worker
                .registry()
                .get("fanout.deliveries")
                .tag("outcome", "delivered")
                .counter()
                .count())
        .isEqualTo(10.0);
  }

  private static double held(FanoutWorker worker) {
    var counter = worker.registry().find("fanout.held").tag("reason", "circuit_open").counter();
    return counter == null ? 0 : counter.count();
  }

  private static double breakerState(FanoutWorker worker, String state) {
    var gauge = worker.registry().find("fanout.circuit.breakers").tag("state", state).gauge();
    return gauge == null ? 0 : gauge.value();
  }
}
