package dev.fanout.it;

import static dev.fanout.testing.FanoutHarness.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.testing.FanoutHarness;
import dev.fanout.testing.TestReceiver;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A webhook's rate limit spreads its deliveries out; throttled work waits and is never dropped. */
class RateLimitIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private TestReceiver receiver;
  private FanoutHarness fanout;

  @BeforeEach
  void start() throws Exception {
    receiver = new TestReceiver();
    fanout = new FanoutHarness();
  }

  @AfterEach
  void stop() throws Exception {
    fanout.close();
    receiver.close();
  }

  @Test
  void deliversEverythingNoFasterThanTheLimit() throws Exception {
    fanout.addRateLimitedWebhook(receiver.url("/limited"), "*", 5);
    fanout.addWebhook(receiver.url("/free"), "*", null);
    for (int i = 0; i < 20; i++) {
      fanout.produceEvent(fanout.jobsTopic(), event("evt_" + i, "job.failed"));
    }
    fanout.startWorker();

    await().atMost(WAIT).until(() -> receiver.requests("/limited").size() == 20);
    await().atMost(WAIT).until(() -> receiver.requests("/free").size() == 20);
    List<TestReceiver.Request> limited = receiver.requests("/limited");
    assertThat(new TreeSet<>(receiver.eventIds("/limited"))).hasSize(20);
    // 20 requests at 5 a second take four refresh periods; the first may be nearly over when the
    // first request goes, so at least two whole periods lie between the first and the last.
    assertThat(Duration.between(limited.get(0).receivedAt(), limited.get(19).receivedAt()))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    assertThat(fanout.deadLetters(1, Duration.ofSeconds(1))).isEmpty();
  }
}
