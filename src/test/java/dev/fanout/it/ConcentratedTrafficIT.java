package dev.fanout.it;

import static dev.fanout.testing.FanoutHarness.event;
import static dev.fanout.testing.FanoutHarness.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.app.FanoutWorker;
import dev.fanout.kafka.FanoutHeaders;
import dev.fanout.testing.FanoutHarness;
import dev.fanout.testing.TestReceiver;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Traffic concentrated on one host, as real subscribers put it: many tasks for one busy endpoint, a
 * failing URL beside a healthy one, a backlog older than the maximum age, a breaker open for long.
 * Real broker, real HTTP on 127.0.0.1, tier records counted exactly.
 */
class ConcentratedTrafficIT {
  private static final Duration WAIT = Duration.ofMinutes(3);

  private TestReceiver receiver;
  private TestReceiver otherHost;
  private FanoutHarness fanout;

  @AfterEach
  void stop() throws Exception {
    if (fanout != null) {
      fanout.close();
    }
    if (receiver != null) {
      receiver.close();
    }
    if (otherHost != null) {
      otherHost.close();
    }
  }

  @Test
  void fiveThousandEventsToOneSlowWebhookAreAllDeliveredWithoutRetriesOrDeadLetters()
      throws Exception {
    receiver = new TestReceiver(256);
    receiver.answer("/slow", TestReceiver.slow(50, 200));
    fanout = new FanoutHarness(Map.of("delivery.request-timeout", "15s"));
    fanout.addWebhook(receiver.url("/slow"), "*", null);
    fanout.produceEvents(fanout.jobsTopic(), 5_000, i -> event("evt_" + i, "job.failed"));

    FanoutWorker worker = fanout.startWorker();

    await()
        .atMost(WAIT)
        .until(() -> new HashSet<>(receiver.deliveredEventIds("/slow")).size() == 5_000);
    assertThat(byWebhook(fanout.retryRecords()))
        .as("busy is not broken: no retry tier record")
        .isEmpty();
    assertThat(fanout.readToEnd(fanout.config().topics().dlq())).hasSize(0);
    assertThat(counter(worker, "fanout.held", "reason", "endpoint_busy")).isZero();
  }

  @Test
  void slowHostsGetMoreThanTheBudgetsStartWhileTheWorkersCoresHaveRoom() throws Exception {
    // Two hosts that take 4 requests each; the budget starts at 4 tasks in memory (the host
    // maximum), so only growing it lets both hosts have theirs out at once.
    receiver = new TestReceiver(16);
    otherHost = new TestReceiver(16);
    receiver.answer("/slow", TestReceiver.slow(200, 200));
    otherHost.answer("/slow", TestReceiver.slow(200, 200));
    fanout =
        new FanoutHarness(
            Map.of(
                "delivery.host-concurrency.initial", "4",
                "delivery.host-concurrency.max", "4",
                "delivery.max-in-flight", "64"));
    fanout.addWebhook(receiver.url("/slow"), "*", null);
    fanout.addWebhook(otherHost.url("/slow"), "*", null);
    fanout.produceEvents(fanout.jobsTopic(), 100, i -> event("evt_" + i, "job.failed"));
    FanoutWorker worker = fanout.startWorker();
    AtomicLong largestBudget = new AtomicLong();

    await()
        .atMost(WAIT)
        .until(
            () -> {
              largestBudget.accumulateAndGet(
                  (long) worker.registry().get("fanout.delivery.budget").gauge().value(),
                  Math::max);
              return new HashSet<>(receiver.deliveredEventIds("/slow")).size() == 100
                  && new HashSet<>(otherHost.deliveredEventIds("/slow")).size() == 100;
            });
    assertThat(largestBudget.get())
        .as("records waited and the cores were idle: the budget grew past its start")
        .isGreaterThan(4);
    assertThat(byWebhook(fanout.retryRecords())).isEmpty();
  }

  @Test
  void aFailingWebhookTripsOnlyItsOwnBreakerAndTheHealthyOneOnTheSameHostGoesOn() throws Exception {
    receiver = new TestReceiver(32);
    receiver.answer("/fail", 500);
    fanout =
        new FanoutHarness(
            Map.of(
                "breaker.minimum-calls", "4",
                "breaker.sliding-window-size", "4",
                "breaker.wait-in-open", "30s",
                "retry.schedule", "10s,10s,10s"));
    String healthy = fanout.addWebhook(receiver.url("/ok"), "*", null);
    String failing = fanout.addWebhook(receiver.url("/fail"), "*", null);
    FanoutWorker worker = fanout.startWorker();

    fanout.produceEvents(fanout.jobsTopic(), 200, i -> event("evt_" + i, "job.failed"));

    await()
        .atMost(WAIT)
        .until(() -> new HashSet<>(receiver.deliveredEventIds("/ok")).size() == 200);
    assertThat(gauge(worker, "fanout.circuit.breakers", "state", "open"))
        .as("the failing webhook's breaker")
        .isEqualTo(1.0);
    assertThat(receiver.requests("/fail").size())
        .as("the open breaker spared the failing URL most requests")
        .isLessThan(20);
    await().atMost(WAIT).until(() -> byWebhook(fanout.retryRecords()).containsKey(failing));
    Map<String, Long> tierRecords = byWebhook(fanout.retryRecords());
    assertThat(tierRecords).doesNotContainKey(healthy);
    assertThat(receiver.requests("/ok")).hasSize(200);
  }

  @Test
  void aBacklogOlderThanTheMaximumAgeIsAttemptedNotExpired() throws Exception {
    AtomicBoolean healed = new AtomicBoolean(false);
    receiver = new TestReceiver();
    receiver.answer("/flaky", r -> TestReceiver.Reply.status(healed.get() ? 200 : 503));
    fanout =
        new FanoutHarness(
            Map.of(
                "retry.max-age", "2m",
                "retry.schedule", "1s,1s,1s,1s,1s,1s,1s,1s,1s,1s",
                "breaker.minimum-calls", "4",
                "breaker.sliding-window-size", "4",
                "breaker.wait-in-open", "1s",
                "retry.max-hold", "2s"));
    fanout.addWebhook(receiver.url("/flaky"), "*", null);
    Instant anHourAgo = Instant.now().minus(Duration.ofHours(1));
    for (int i = 0; i < 30; i++) {
      fanout.produceEventAt(fanout.jobsTopic(), event("evt_" + i, "job.failed"), anHourAgo);
    }
    FanoutWorker worker = fanout.startWorker();

    // The breaker opens on the first failures, so most of the old backlog is held unattempted.
    await().atMost(WAIT).until(() -> counter(worker, "fanout.held", "reason", "circuit_open") > 0);
    healed.set(true);

    await()
        .atMost(WAIT)
        .until(() -> new HashSet<>(receiver.deliveredEventIds("/flaky")).size() == 30);
    assertThat(fanout.readToEnd(fanout.config().topics().dlq()))
        .as("an hour-old record is not expired by a 2 min maximum age")
        .hasSize(0);
  }

  @Test
  void aBreakerOpenForManyIntervalsHoldsEachTaskAFewTimesWithGrowingWaits() throws Exception {
    receiver = new TestReceiver();
    receiver.answer("/down", 503);
    fanout =
        new FanoutHarness(
            Map.of(
                "breaker.minimum-calls", "4",
                "breaker.sliding-window-size", "4",
                "breaker.wait-in-open", "200ms",
                "breaker.half-open-calls", "1",
                "retry.schedule", "200ms,400ms,800ms,1600ms,5s,1m",
                "retry.jitter", "0",
                "retry.max-hold", "5s",
                "retry.max-age", "1h"));
    fanout.addWebhook(receiver.url("/down"), "*", null);
    FanoutWorker worker = fanout.startWorker();
    fanout.produceEvents(fanout.jobsTopic(), 4, i -> event("evt_open_" + i, "job.failed"));
    await()
        .atMost(WAIT)
        .until(() -> gauge(worker, "fanout.circuit.breakers", "state", "open") == 1);
    fanout.produceEvents(fanout.jobsTopic(), 20, i -> event("evt_" + i, "job.failed"));

    // Holds of 200 ms doubling: the fourth hold of a task comes about 1.4 s after its first.
    await()
        .atMost(WAIT)
        .until(() -> counter(worker, "fanout.held", "reason", "circuit_open") >= 40);
    worker.close();

    // Holds of tasks never attempted (a retry after a half-open probe also carries the hold count,
    // but waits for the retry schedule, not for the breaker).
    List<ConsumerRecord<byte[], byte[]>> holds =
        fanout.retryRecords().stream()
            .filter(r -> header(r, FanoutHeaders.HOLDS) != null)
            .filter(r -> header(r, FanoutHeaders.ATTEMPTS).equals("0"))
            .toList();
    Map<String, List<Integer>> holdsByTask =
        holds.stream()
            .collect(
                Collectors.groupingBy(
                    r -> header(r, FanoutHeaders.DELIVERY_ID),
                    TreeMap::new,
                    Collectors.mapping(
                        r -> Integer.parseInt(header(r, FanoutHeaders.HOLDS)),
                        Collectors.toList())));
    assertThat(holdsByTask).hasSizeGreaterThanOrEqualTo(10);
    holdsByTask.forEach(
        (task, counts) -> {
          assertThat(counts.stream().sorted().toList())
              .as("each hold of %s counts the ones before", task)
              .isEqualTo(java.util.stream.IntStream.rangeClosed(1, counts.size()).boxed().toList());
        });
    for (ConsumerRecord<byte[], byte[]> hold : holds) {
      int n = Integer.parseInt(header(hold, FanoutHeaders.HOLDS));
      Duration wait =
          Duration.between(
              Instant.ofEpochMilli(hold.timestamp()),
              Instant.parse(header(hold, FanoutHeaders.DUE_AT)));
      Duration expected = Duration.ofMillis(Math.min(5_000, 200L << (n - 1)));
      assertThat(wait)
          .as("hold %d waits 200 ms × 2^%d, at most 5 s", n, n - 1)
          .isBetween(expected.minusMillis(200), expected.plusMillis(5));
    }
  }

  private static Map<String, Long> byWebhook(List<ConsumerRecord<byte[], byte[]>> records) {
    return records.stream()
        .collect(
            Collectors.groupingBy(
                r -> header(r, FanoutHeaders.WEBHOOK_ID), TreeMap::new, Collectors.counting()));
  }

  private static double counter(FanoutWorker worker, String name, String tag, String value) {
    var counter = worker.registry().find(name).tag(tag, value).counter();
    return counter == null ? 0 : counter.count();
  }

  private static double gauge(FanoutWorker worker, String name, String tag, String value) {
    var gauge = worker.registry().find(name).tag(tag, value).gauge();
    return gauge == null ? 0 : gauge.value();
  }
}
