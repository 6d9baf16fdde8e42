package dev.fanout.cli;

import static dev.fanout.testing.FanoutHarness.SPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.delivery.DeliveryIds;
import dev.fanout.testing.FanoutHarness;
import dev.fanout.testing.TestReceiver;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code fanout events resend} sends a period of events again to one webhook and no other. */
class EventsResendIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration QUIET = Duration.ofSeconds(2);

  private TestReceiver receiver;
  private FanoutHarness fanout;
  private CliRun cli;

  @BeforeEach
  void start() throws Exception {
    receiver = new TestReceiver();
    fanout = new FanoutHarness();
    cli = new CliRun(fanout);
  }

  @AfterEach
  void stop() throws Exception {
    if (cli != null) {
      cli.close();
    }
    fanout.close();
    receiver.close();
  }

  @Test
  void resendsTheEventsAfterATimeToThatWebhookOnly() throws Exception {
    fanout.putWebhook(
        "wh_jobs", SPACE, receiver.url("/jobs"), "job.*", true, "secret-jobs-0123456789");
    fanout.putWebhook("wh_all", SPACE, receiver.url("/all"), "*", true, "secret-all-0123456789");
    Instant now = Instant.now();
    Instant old = now.minus(Duration.ofHours(2));
    Instant recent = now.minus(Duration.ofMinutes(10));
    fanout.produceEventAt(
        fanout.jobsTopic(), DeadLetters.event("evt_old_1", "job.failed", SPACE), old);
    fanout.produceEventAt(
        fanout.jobsTopic(), DeadLetters.event("evt_old_2", "job.succeeded", SPACE), old);
    fanout.produceEventAt(
        fanout.jobsTopic(), DeadLetters.event("evt_new_1", "job.failed", SPACE), recent);
    fanout.produceEventAt(
        fanout.jobsTopic(), DeadLetters.event("evt_new_2", "job.succeeded", SPACE), recent);
    fanout.produceEventAt(
        fanout.orchestrationsTopic(),
        DeadLetters.event("evt_new_3", "orchestration.finished", SPACE),
        recent);
    fanout.produceEventAt(
        fanout.jobsTopic(), DeadLetters.event("evt_other_space", "job.failed", "space_7"), recent);
    fanout.startWorker();
    // The first delivery: wh_jobs gets the four job events, wh_all all five of space_42.
    await()
        .during(QUIET)
        .atMost(WAIT)
        .until(
            () -> receiver.requests("/jobs").size() == 4 && receiver.requests("/all").size() == 5);

    String since = now.minus(Duration.ofHours(1)).toString();
    assertThat(cli.run("events", "resend", "--webhook", "wh_jobs", "--since", since, "--dry-run"))
        .isEqualTo(ExitCodes.OK);
    assertThat(cli.out()).containsPattern("(?m)^would hand over\\s+2$");
    assertThat(cli.run("events", "resend", "--webhook", "wh_jobs", "--since", since))
        .isEqualTo(ExitCodes.OK);
    assertThat(cli.out())
        // Only records from the first one at --since on are read: the four recent ones.
        .containsPattern("(?m)^scanned\\s+4$")
        .containsPattern("(?m)^matched\\s+2$")
        .containsPattern("(?m)^handed over\\s+2$");

    await().during(QUIET).atMost(WAIT).until(() -> receiver.requests("/jobs").size() == 6);
    var resent = receiver.requests("/jobs").subList(4, 6);
    assertThat(resent)
        .extracting(TestReceiver.Request::eventId)
        .containsExactlyInAnyOrder("evt_new_1", "evt_new_2");
    assertThat(resent)
        .allSatisfy(
            r ->
                assertThat(r.header("x-y42-delivery"))
                    .isEqualTo(DeliveryIds.of(r.eventId(), "wh_jobs")));
    assertThat(receiver.requests("/all")).hasSize(5);

    assertThat(
            cli.run(
                "events",
                "resend",
                "--webhook",
                "wh_jobs",
                "--since",
                since,
                "--event-type",
                "job.failed",
                "--dry-run"))
        .isEqualTo(ExitCodes.OK);
    assertThat(cli.out())
        .containsPattern("(?m)^would hand over\\s+1$")
        .contains("evt_new_1  to wh_jobs");
  }
}
