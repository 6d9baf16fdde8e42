package dev.fanout.it;

import static dev.fanout.testing.FanoutHarness.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.testing.FanoutHarness;
import dev.fanout.testing.TestReceiver;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The producer's W3C trace context reaches the subscriber, first attempt and retries alike. */
class TraceContextIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String TRACEPARENT =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  private static final String TRACESTATE = "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7";

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
  void sendsAValidTraceparentAndTracestateOnEveryAttempt() throws Exception {
    fanout.addWebhook(receiver.url("/traced"), "*", "test-secret-0123456789");
    // The first attempt fails, so the second comes from a retry tier record.
    AtomicInteger calls = new AtomicInteger();
    receiver.answer(
        "/traced", r -> TestReceiver.Reply.status(calls.getAndIncrement() == 0 ? 503 : 200));
    fanout.startWorker();

    fanout.produceEventWithHeaders(
        fanout.jobsTopic(),
        event("evt_traced", "job.failed"),
        Map.of("traceparent", TRACEPARENT, "tracestate", TRACESTATE));

    await().atMost(WAIT).until(() -> receiver.deliveredEventIds("/traced").size() == 1);
    assertThat(receiver.requests("/traced")).hasSize(2);
    for (TestReceiver.Request request : receiver.requests("/traced")) {
      assertThat(request.header("traceparent")).isEqualTo(TRACEPARENT);
      assertThat(request.header("tracestate")).isEqualTo(TRACESTATE);
    }
  }

  @Test
  void dropsAnInvalidTraceparentAndItsTracestate() throws Exception {
    fanout.addWebhook(receiver.url("/untraced"), "*", null);
    fanout.startWorker();

    // Upper-case hex is not a traceparent.
    fanout.produceEventWithHeaders(
        fanout.jobsTopic(),
        event("evt_bad_trace", "job.failed"),
        Map.of(
            "traceparent",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01",
            "tracestate",
            TRACESTATE));
    fanout.produceEvent(fanout.jobsTopic(), event("evt_no_trace", "job.failed"));

    await().atMost(WAIT).until(() -> receiver.deliveredEventIds("/untraced").size() == 2);
    for (TestReceiver.Request request : receiver.requests("/untraced")) {
      assertThat(request.header("traceparent")).as(request.eventId()).isNull();
      assertThat(request.header("tracestate")).as(request.eventId()).isNull();
    }
  }
}
