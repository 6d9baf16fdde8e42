package dev.fanout.it;

import static dev.fanout.testing.FanoutHarness.event;
import static dev.fanout.testing.FanoutHarness.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.fanout.testing.FanoutHarness;
import dev.fanout.testing.TestReceiver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Retries travel through the retry tier topics: due times hold, and nothing is lost or reset. */
class RetryTierIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private TestReceiver receiver;
  private FanoutHarness fanout;

  @BeforeEach
  void start() throws Exception {
    receiver = new TestReceiver();
  }

  @AfterEach
  void stop() throws Exception {
    if (fanout != null) {
      fanout.close();
    }
    receiver.close();
  }

  @Test
  void retriesNotBeforeTheScheduledDelay() throws Exception {
    fanout = new FanoutHarness(Map.of("retry.schedule", "1500ms", "retry.jitter", "0"));
    AtomicInteger calls = new AtomicInteger();
    receiver.answer(
        "/flaky", r -> TestReceiver.Reply.status(calls.incrementAndGet() == 1 ? 500 : 200));
    fanout.addWebhook(receiver.url("/flaky"), "*", "test-secret-0123456789");
    fanout.startWorker();
    fanout.produceEvent(fanout.jobsTopic(), event("evt_1", "job.failed"));

    await().atMost(WAIT).until(() -> receiver.requests("/flaky").size() == 2);
    List<TestReceiver.Request> requests = receiver.requests("/flaky");
    assertThat(Duration.between(requests.get(0).receivedAt(), requests.get(1).receivedAt()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(1500));
    assertThat(fanout.readTopic(fanout.config().topics().retryPrefix() + "1500ms", 1, WAIT))
        .hasSize(1);
  }

  @Test
  void honoursRetryAfterLongerThanTheSchedule() throws Exception {
    fanout = new FanoutHarness(Map.of("retry.schedule", "100ms,100ms", "retry.jitter", "0"));
    AtomicInteger calls = new AtomicInteger();
    receiver.answer(
        "/busy",
        r ->
            calls.incrementAndGet() == 1
                ? new TestReceiver.Reply(429, Map.of("Retry-After", "2"))
                : TestReceiver.Reply.status(200));
    fanout.addWebhook(receiver.url("/busy"), "*", "test-secret-0123456789");
    fanout.startWorker();
    fanout.produceEvent(fanout.jobsTopic(), event("evt_1", "job.failed"));

    await().atMost(WAIT).until(() -> receiver.requests("/busy").size() == 2);
    List<TestReceiver.Request> requests = receiver.requests("/busy");
    assertThat(Duration.between(requests.get(0).receivedAt(), requests.get(1).receivedAt()))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void keepsTheAttemptCountAcrossAWorkerRestart() throws Exception {
    fanout = new FanoutHarness(Map.of("retry.schedule", "2s,2s", "retry.jitter", "0"));
    receiver.answer("/down", 503);
    fanout.addWebhook(receiver.url("/down"), "*", "test-secret-0123456789");
    var first = fanout.startWorker();
    fanout.produceEvent(fanout.jobsTopic(), event("evt_1", "job.failed"));
    await().atMost(WAIT).until(() -> receiver.requests("/down").size() == 1);
    // The first attempt failed; its retry waits in a tier topic while the worker goes away.
    first.close();
    fanout.startWorker();

    List<ConsumerRecord<byte[], byte[]>> dead = fanout.deadLetters(1, WAIT);
    assertThat(dead).hasSize(1);
    assertThat(header(dead.get(0), "fanout.attempts")).isEqualTo("3");
    assertThat(header(dead.get(0), "fanout.reason")).isEqualTo("http_status");
    assertThat(receiver.requests("/down")).hasSize(3);
  }

  @Test
  void aRetryWaitingInATierDroppedFromTheScheduleIsStillDelivered() throws Exception {
    fanout = new FanoutHarness(Map.of("retry.schedule", "2s,10s", "retry.jitter", "0"));
    AtomicInteger calls = new AtomicInteger();
    receiver.answer(
        "/flaky", r -> TestReceiver.Reply.status(calls.incrementAndGet() == 1 ? 500 : 200));
    fanout.addWebhook(receiver.url("/flaky"), "*", "test-secret-0123456789");
    var first = fanout.startWorker();
    fanout.produceEvent(fanout.jobsTopic(), event("evt_1", "job.failed"));
    await().atMost(WAIT).until(() -> receiver.requests("/flaky").size() == 1);
    // The retry now waits 2 s in the 2s tier; the next worker's schedule no longer has that tier.
    first.close();
    assertThat(fanout.readTopic(fanout.config().topics().retryPrefix() + "2s", 1, WAIT)).hasSize(1);

    fanout.startWorker(fanout.config().with(Map.of("retry.schedule", "10s")));

    await().atMost(WAIT).until(() -> receiver.deliveredEventIds("/flaky").size() == 1);
    assertThat(fanout.deadLetters(1, Duration.ofSeconds(1))).isEmpty();
  }

  @Test
  void aWorkerRefusesToStartWithoutTheTopicsItWritesTo() {
    fanout = new FanoutHarness();

    assertThatThrownBy(
            () ->
                fanout.startWorker(
                    fanout.config().with(Map.of("topics.dlq", "no-such-dead-letter-topic"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no-such-dead-letter-topic")
        .hasMessageContaining("fanout topics create");
  }
}
