package dev.fanout.it;

import static dev.fanout.testing.FanoutHarness.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.app.FanoutWorker;
import dev.fanout.testing.FanoutHarness;
import dev.fanout.testing.TestReceiver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
