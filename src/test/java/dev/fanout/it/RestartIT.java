package dev.fanout.it;

import static dev.fanout.testing.FanoutHarness.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.app.FanoutWorker;
import dev.fanout.testing.FanoutHarness;
import dev.fanout.testing.TestReceiver;
import io.micrometer.core.instrument.Counter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A worker stopped part-way and started again delivers every record: none is lost. */
class RestartIT {
  private static final Duration WAIT = Duration.ofSeconds(90);

  private TestReceiver receiver;
  private FanoutHarness fanout;

  @BeforeEach
  void start() throws Exception {
    receiver = new TestReceiver();
    // Few deliveries at a time, so the stop lands while most records are still undelivered.
    fanout = new FanoutHarness(Map.of("delivery.max-in-flight", "4"));
  }

  @AfterEach
  void stop() throws Exception {
    fanout.close();
    receiver.close();
  }

  @Test
  void deliversEveryRecordAcrossAStopAndRestart() throws Exception {
    // A slow endpoint, so the stop lands while deliveries are in flight.
    receiver.answer(
        "/slow",
        r -> {
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return TestReceiver.Reply.status(200);
        });
    fanout.addWebhook(receiver.url("/slow"), "*", "test-secret-0123456789");
    for (int i = 0; i < 40; i++) {
      fanout.produceEvent(
          i % 2 == 0 ? fanout.jobsTopic() : fanout.orchestrationsTopic(),
          event("evt_" + i, "job.failed"));
    }
    FanoutWorker first = fanout.startWorker();
    await().atMost(WAIT).until(() -> receiver.requests("/slow").size() >= 10);
    first.close();
    int beforeRestart = receiver.requests("/slow").size();
    assertThat(beforeRestart).as("stopped part-way").isLessThan(40);

    for (int i = 40; i < 80; i++) {
      fanout.produceEvent(fanout.jobsTopic(), event("evt_" + i, "job.failed"));
    }
    fanout.startWorker();
    Set<String> expected =
        IntStream.range(0, 80)
            .mapToObj(i -> "evt_" + i)
            .collect(Collectors.toCollection(TreeSet::new));
    await().atMost(WAIT).until(() -> eventIds().containsAll(expected));

    List<String> all = receivedIds();
    assertThat(new TreeSet<>(all)).isEqualTo(expected);
    // A stop drains what is in flight and commits it: the next worker sends nothing twice.
    assertThat(all).as("80 events, each sent once").hasSize(80);
  }

  /**
   * Stopping beside a black hole: the tasks waiting for it are held instead of starting requests
   * that would only time out after the drain has given up, so the stop waits only for what was
   * already out, every record finishes and is committed, and the next worker sends nothing twice.
   */
  @Test
  void aStopBesideABlackHoleStartsNothingMoreThereAndSendsNothingTwice() throws Exception {
    try (TestReceiver hole = new TestReceiver(8)) {
      AtomicInteger reachedHole = new AtomicInteger();
      Function<TestReceiver.Request, TestReceiver.Reply> never =
          TestReceiver.slow(Duration.ofMinutes(5).toMillis(), 200);
      hole.answer(
          "/hole",
          r -> {
            reachedHole.incrementAndGet();
            return never.apply(r);
          });
      fanout.addWebhook(receiver.url("/slow"), "*", null);
      fanout.addWebhook(hole.url("/hole"), "*", null);
      // A new webhook may have a quarter of its host's limit out: one request here. It times out
      // well within the drain, and one started after it would too, but not a third.
      var config =
          fanout
              .config()
              .with(
                  Map.of(
                      "delivery.max-in-flight", "1000",
                      "delivery.host-concurrency.initial", "4",
                      "delivery.request-timeout", "2s",
                      "shutdown.timeout", "5s"));
      int events = 30;
      for (int i = 0; i < events; i++) {
        fanout.produceEvent(fanout.jobsTopic(), "one-partition", event("evt_" + i, "job.failed"));
      }
      FanoutWorker first = fanout.startWorker(config);
      await()
          .atMost(WAIT)
          .until(
              () ->
                  receiver.requests("/slow").size() >= events
                      && reachedHole.get() == 1
                      && first.registry().get("fanout.waiting.deliveries").gauge().value() > 0);
      first.close();

      assertThat(reachedHole.get())
          .as("the request out at the stop timed out; none followed it")
          .isEqualTo(1);
      fanout.produceEvent(fanout.jobsTopic(), "one-partition", event("evt_marker", "job.failed"));
      FanoutWorker second = fanout.startWorker(config);
      // The second worker consumed the marker and whatever it had to send again before it, and
      // delivered all of those to the healthy webhook.
      await()
          .atMost(WAIT)
          .until(
              () ->
                  eventIds().contains("evt_marker")
                      && count(second, "fanout.deliveries", "outcome", "delivered")
                          == count(second, "fanout.events", "result", "matched"));
      assertThat(receivedIds()).as("31 events, each sent once").hasSize(events + 1);
    }
  }

  private static double count(FanoutWorker worker, String name, String tag, String value) {
    return worker.registry().find(name).tag(tag, value).counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  private Set<String> eventIds() {
    return new TreeSet<>(receivedIds());
  }

  private List<String> receivedIds() {
    return receiver.requests("/slow").stream()
        .map(r -> new String(r.body(), StandardCharsets.UTF_8))
        .map(body -> body.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1"))
        .toList();
  }
}
