package dev.fanout.delivery;

import static dev.fanout.testing.TestSubscriptions.subscription;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.netflix.concurrency.limits.limit.FixedLimit;
import dev.fanout.deadletter.DeadLetter;
import dev.fanout.event.Event;
import dev.fanout.event.Origin;
import dev.fanout.retry.RetryPolicy;
import dev.fanout.retry.TierRetries;
import dev.fanout.signing.SigningSecret;
import dev.fanout.subscription.EventPattern;
import dev.fanout.subscription.Subscription;
import dev.fanout.testing.TestSubscriptions;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine with hand-written fakes around it, and the real scheduler, retry policy and
 * Resilience4j breakers. The clock stands still and the jitter is fixed, so every due time is
 * exact: the schedule is 5s, 1m, 5m with ±20% jitter and a random draw of 0.75, which makes each
 * delay 10% longer (5.5s, 66s, 330s); holds are 10% longer too. Each host takes one request at a
 * time, so a second task for it waits in memory. The scheduler's own clock moves only when a test
 * moves it.
 */
class DeliveryEngineTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  private static final URI URL = URI.create("https://hooks.example.com/y42");
  private static final URI OTHER_URL = URI.create("https://elsewhere.example.org/hook");
  private static final Duration FIRST_DELAY = Duration.ofMillis(5_500);
  private static final Duration SECOND_DELAY = Duration.ofSeconds(66);
  private static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(10);
  private static final Duration MAX_AGE = Duration.ofHours(1);
  private static final Duration BREAKER_WAIT = Duration.ofSeconds(30);
  private static final Duration HELD_FOR_BREAKER = Duration.ofSeconds(33);
  private static final Duration MAX_QUEUE_WAIT = Duration.ofSeconds(5);
  private static final HttpResult OK = new HttpResult.Response(200, null);

  private final RecordingExecutor executor = new RecordingExecutor();
  private final ScriptedSender sender = new ScriptedSender();
  private final FakeDeadLetterWriter deadLetters = new FakeDeadLetterWriter();
  private final FakeRetryScheduler retries = new FakeRetryScheduler();
  private final RecordingDeliveryListener listener = new RecordingDeliveryListener();
  private final List<Subscription> disabled = new CopyOnWriteArrayList<>();
  private final CircuitBreakerRegistry breakers =
      CircuitBreakerRegistry.of(
          CircuitBreakerConfig.custom()
              .waitDurationInOpenState(BREAKER_WAIT)
              .automaticTransitionFromOpenToHalfOpenEnabled(false)
              .build());
  private final AtomicLong nanos = new AtomicLong();
  private final TestSource source = new TestSource();
  private EndpointScheduler scheduler;
  private final DeliveryEngine engine = engine(listener);

  @AfterEach
  void stopExecutor() {
    executor.shutdownNow();
  }

  @Test
  void listenersHearTheStartOfTheAnswerWithoutTheSignatureSent() throws Exception {
    sender.holdResponses();
    Subscription signed =
        new Subscription(
            "wh_1",
            TestSubscriptions.SPACE,
            URL,
            List.of(new EventPattern("job.*")),
            true,
            new SigningSecret("engine-test-secret-31"),
            null,
            null,
            "",
            null,
            new byte[0]);
    CompletableFuture<Void> done =
        engine.deliver(DeliveryTask.first(event("evt_1"), signed, origin(NOW)), source);
    CompletableFuture<HttpResult> answer = nextPending(sender.pending);
    String signature = header(sender.requests.get(0), "x-y42-signature");

    answer.complete(
        new HttpResult.Response(
            401, null, new ResponseSnippet("text/plain", "expected " + signature, false)));
    awaitDone(done);

    assertThat(listener.snippets)
        .containsExactly(
            Optional.of(new ResponseSnippet("text/plain", "expected [redacted]", false)));
    assertThat(listener.attempts).hasSize(1);
  }

  @Test
  void listenersHearNoSnippetWhenTheSenderKeptNone() {
    sender.script(new HttpResult.Response(204, null));

    awaitDone(engine.deliver(firstTask(), source));

    assertThat(listener.snippets).containsExactly(Optional.empty());
  }

  @Test
  void deliversOn2xx() {
    sender.script(new HttpResult.Response(204, null));

    awaitDone(engine.deliver(firstTask(), source));

    assertThat(listener.delivered)
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.attempts()).isEqualTo(1);
              assertThat(t.firstAttemptAt()).isEqualTo(NOW);
              assertThat(t.lastAttemptAt()).isEqualTo(NOW);
            });
    assertThat(sender.requests)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.url()).isEqualTo(URL);
              assertThat(header(r, "x-y42-delivery")).isEqualTo(DeliveryIds.of("evt_1", "wh_1"));
            });
    assertThat(retries.calls).isEmpty();
    assertThat(deadLetters.written).isEmpty();
    assertThat(engine.inFlight()).isZero();
  }

  @Test
  void handsARetryableFailureOverDueAfterTheJitteredFirstDelay() {
    sender.script(new HttpResult.Response(503, null));

    awaitDone(engine.deliver(firstTask(), source));

    assertThat(retries.calls)
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.dueAt()).isEqualTo(NOW.plus(FIRST_DELAY));
              assertThat(h.task().attempts()).isEqualTo(1);
              assertThat(h.task().firstAttemptAt()).isEqualTo(NOW);
              assertThat(h.task().deliveryId()).isEqualTo(DeliveryIds.of("evt_1", "wh_1"));
            });
    assertThat(listener.retries)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.tier()).isEqualTo(FakeRetryScheduler.TIER);
              assertThat(r.delay()).isEqualTo(FIRST_DELAY);
              assertThat(r.outcome().status()).isEqualTo(503);
            });
    assertThat(sender.requests).as("no retry in process").hasSize(1);
    assertThat(listener.delivered).isEmpty();
    assertThat(deadLetters.written).isEmpty();
    assertThat(engine.inFlight()).isZero();
  }

  @Test
  void deadLettersATaskWhoseRetryRecordCanNeverBeWritten() {
    retries.refuse = true;
    sender.script(new HttpResult.Response(503, null));

    awaitDone(engine.deliver(firstTask(), source));

    assertThat(retries.calls).as("no second try of a refused hand-over").hasSize(1);
    assertThat(deadLetters.written)
        .singleElement()
        .satisfies(d -> assertThat(d.reason()).isEqualTo("payload_too_large"));
    assertThat(engine.inFlight()).isZero();
  }

  @Test
  void laterFailureUsesTheNextDelayAndKeepsTheFirstAttemptTime() {
    Instant firstAttempt = NOW.minusSeconds(10);
    sender.script(new HttpResult.Failure(HttpResult.Kind.CONNECT, "connection refused"));

    awaitDone(engine.deliver(taskAfter(1, firstAttempt), source));

    assertThat(retries.calls)
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.dueAt()).isEqualTo(NOW.plus(SECOND_DELAY));
              assertThat(h.task().attempts()).isEqualTo(2);
              assertThat(h.task().firstAttemptAt()).isEqualTo(firstAttempt);
              assertThat(h.task().lastAttemptAt()).isEqualTo(NOW);
            });
  }

  @Test
  void handedOverTaskIsSentAgainWithTheSameDeliveryId() {
    sender.script(new HttpResult.Response(500, null), OK);
    awaitDone(engine.deliver(firstTask(), source));

    awaitDone(engine.deliver(retries.calls.get(0).task(), source));

    assertThat(sender.requests)
        .extracting(r -> header(r, "x-y42-delivery"))
        .containsExactly(DeliveryIds.of("evt_1", "wh_1"), DeliveryIds.of("evt_1", "wh_1"));
    assertThat(listener.delivered)
        .singleElement()
        .satisfies(t -> assertThat(t.attempts()).isEqualTo(2));
  }

  @Test
  void deadLettersWithTheLastFailureWhenTheScheduleIsExhausted() {
    Instant firstAttempt = NOW.minus(Duration.ofMinutes(10));
    sender.script(new HttpResult.Failure(HttpResult.Kind.TIMEOUT, "no response within 15s"));

    awaitDone(engine.deliver(taskAfter(3, firstAttempt), source));

    DeadLetter letter = deadLetters.single();
    assertThat(letter.reason()).isEqualTo("timeout");
    assertThat(letter.httpStatus()).isZero();
    assertThat(letter.error()).isEqualTo("no response within 15s");
    assertThat(letter.attempts()).isEqualTo(4);
    assertThat(letter.firstAttemptAt()).isEqualTo(firstAttempt);
    assertThat(letter.lastAttemptAt()).isEqualTo(NOW);
    assertThat(letter.webhookId()).isEqualTo("wh_1");
    assertThat(letter.deliveryId()).isEqualTo(DeliveryIds.of("evt_1", "wh_1"));
    assertThat(letter.eventId()).isEqualTo("evt_1");
    assertThat(letter.eventType()).isEqualTo("job.failed");
    assertThat(letter.value()).isEqualTo(body("evt_1"));
    assertThat(letter.origin().offset()).isEqualTo(42);
    assertThat(listener.deadLettered).containsExactly(letter);
    assertThat(retries.calls).isEmpty();
    assertThat(engine.inFlight()).isZero();
  }

  @Test
  void theAttemptThatUsesUpTheScheduleIsReportedAsTheDeadLetterItBecomes() {
    sender.script(new HttpResult.Response(500, null), new HttpResult.Response(500, null));

    awaitDone(engine.deliver(taskAfter(0, NOW), source));
    awaitDone(engine.deliver(taskAfter(3, NOW.minusSeconds(60)), source));

    assertThat(listener.attempts).hasSize(2);
    assertThat(listener.attempts.get(0).outcome()).isInstanceOf(Outcome.Retry.class);
    assertThat(listener.attempts.get(1).outcome())
        .isEqualTo(new Outcome.DeadLetter("http_status", 500, "endpoint answered HTTP 500", false));
  }

  @Test
  void deadLettersWithTheLastHttpStatusWhenTheScheduleIsExhausted() {
    sender.script(new HttpResult.Response(404, null));

    awaitDone(engine.deliver(taskAfter(3, NOW.minusSeconds(60)), source));

    DeadLetter letter = deadLetters.single();
    assertThat(letter.reason()).isEqualTo("http_status");
    assertThat(letter.httpStatus()).isEqualTo(404);
    assertThat(letter.attempts()).isEqualTo(4);
  }

  @Test
  void retryAfterLongerThanTheScheduledDelayRaisesIt() {
    sender.script(new HttpResult.Response(429, Duration.ofMinutes(2)));

    awaitDone(engine.deliver(firstTask(), source));

    assertThat(retries.calls)
        .singleElement()
        .extracting(FakeRetryScheduler.HandOver::dueAt)
        .isEqualTo(NOW.plus(Duration.ofMinutes(2)));
    assertThat(listener.retries)
        .singleElement()
        .extracting(r -> r.delay())
        .isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void retryAfterIsCappedAtTheMaximum() {
    sender.script(new HttpResult.Response(503, Duration.ofDays(1)));

    awaitDone(engine.deliver(firstTask(), source));

    assertThat(retries.calls)
        .singleElement()
        .extracting(FakeRetryScheduler.HandOver::dueAt)
        .isEqualTo(NOW.plus(MAX_RETRY_AFTER));
  }

  @Test
  void retryAfterShorterThanTheScheduledDelayChangesNothing() {
    sender.script(new HttpResult.Response(429, Duration.ofSeconds(1)));

    awaitDone(engine.deliver(firstTask(), source));

    assertThat(retries.calls)
        .singleElement()
        .extracting(FakeRetryScheduler.HandOver::dueAt)
        .isEqualTo(NOW.plus(FIRST_DELAY));
  }

  @Test
  void deadLettersAsExpiredWhenTheNextAttemptWouldFallPastMaxAge() {
    // Next delay 66s; the task's age limit is reached 60s from now.
    sender.script(new HttpResult.Response(503, null));

    awaitDone(engine.deliver(taskAfter(1, NOW.minus(MAX_AGE).plusSeconds(60)), source));

    DeadLetter letter = deadLetters.single();
    assertThat(letter.reason()).isEqualTo("expired");
    assertThat(letter.httpStatus()).isEqualTo(503);
    assertThat(letter.attempts()).isEqualTo(2);
    assertThat(retries.calls).isEmpty();
  }

  @Test
  void handsOverWhenTheNextAttemptFallsJustInsideMaxAge() {
    // Next delay 66s; the task's age limit is reached 70s from now.
    sender.script(new HttpResult.Response(503, null));

    awaitDone(engine.deliver(taskAfter(1, NOW.minus(MAX_AGE).plusSeconds(70)), source));

    assertThat(retries.calls).hasSize(1);
    assertThat(deadLetters.written).isEmpty();
  }

  @Test
  void deadLettersAsGoneAndDisablesTheWebhookWhenTheEndpointAnswers410() {
    sender.script(new HttpResult.Response(410, null));
    DeliveryTask task = firstTask();

    awaitDone(engine.deliver(task, source));

    assertThat(disabled).containsExactly(task.subscription());
    DeadLetter letter = deadLetters.single();
    assertThat(letter.reason()).isEqualTo("gone");
    assertThat(letter.httpStatus()).isEqualTo(410);
    assertThat(letter.attempts()).isEqualTo(1);
    assertThat(retries.calls).isEmpty();
  }

  @Test
  void deadLettersAtOnceWithoutDisablingWhenTheEndpointAnswers413() {
    sender.script(new HttpResult.Response(413, null));

    awaitDone(engine.deliver(firstTask(), source));

    assertThat(deadLetters.single().reason()).isEqualTo("payload_too_large");
    assertThat(disabled).isEmpty();
    assertThat(retries.calls).isEmpty();
  }

  @Test
  void deadLettersAtOnceWhenTheTargetIsBlocked() {
    sender.script(new HttpResult.Failure(HttpResult.Kind.BLOCKED_TARGET, "10.0.0.1 refused"));

    awaitDone(engine.deliver(firstTask(), source));

    DeadLetter letter = deadLetters.single();
    assertThat(letter.reason()).isEqualTo("blocked_target");
    assertThat(letter.error()).isEqualTo("10.0.0.1 refused");
    assertThat(disabled).isEmpty();
    assertThat(retries.calls).isEmpty();
  }

  @Test
  void failedHandOverIsRetriedAndTheTaskEndsOnlyWhenOneIsAcknowledged() throws Exception {
    retries.manual = true;
    sender.script(new HttpResult.Response(503, null));

    CompletableFuture<Void> done = engine.deliver(firstTask(), source);

    nextPending(retries.pending).completeExceptionally(new IllegalStateException("no leader"));
    CompletableFuture<String> second = nextPending(retries.pending);
    assertThat(done).isNotDone();
    assertThat(engine.inFlight()).isEqualTo(1);
    assertThat(listener.retries).isEmpty();

    second.complete("5s");

    awaitDone(done);
    assertThat(retries.calls)
        .hasSize(2)
        .allSatisfy(h -> assertThat(h.dueAt()).isEqualTo(NOW.plus(FIRST_DELAY)));
    assertThat(listener.retries).singleElement().extracting(r -> r.tier()).isEqualTo("5s");
    assertThat(executor.delays).containsExactly(Duration.ofMillis(500));
    assertThat(sender.requests).as("a failed hand-over is not a new attempt").hasSize(1);
    assertThat(engine.inFlight()).isZero();
  }

  @Test
  void repeatedHandOverFailuresBackOffLongerEachTime() {
    retries.failNext.set(3);
    sender.script(new HttpResult.Response(503, null));

    awaitDone(engine.deliver(firstTask(), source));

    assertThat(retries.calls).hasSize(4);
    assertThat(executor.delays)
        .containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2));
  }

  @Test
  void failedDeadLetterWriteIsRetriedAndTheTaskEndsOnlyWhenOneIsAcknowledged() throws Exception {
    deadLetters.manual = true;
    sender.script(new HttpResult.Response(410, null));

    CompletableFuture<Void> done = engine.deliver(firstTask(), source);

    nextPending(deadLetters.pending).completeExceptionally(new IllegalStateException("no leader"));
    CompletableFuture<Void> second = nextPending(deadLetters.pending);
    assertThat(done).isNotDone();
    assertThat(listener.deadLettered).isEmpty();
    assertThat(listener.writeFailures)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.deadLetter().reason()).isEqualTo("gone");
              assertThat(f.error()).hasMessageContaining("no leader");
            });

    second.complete(null);

    awaitDone(done);
    assertThat(deadLetters.calls).hasValue(2);
    assertThat(listener.deadLettered)
        .singleElement()
        .satisfies(d -> assertThat(d.reason()).isEqualTo("gone"));
    assertThat(engine.inFlight()).isZero();
  }

  @Test
  void unusableEventIsDeadLetteredAgainAfterAFailedWrite() {
    deadLetters.failNext.set(1);
    DeadLetter letter =
        DeadLetter.unusableEvent(
            origin(NOW), "nope".getBytes(StandardCharsets.UTF_8), "invalid_event", "not JSON");

    awaitDone(engine.deadLetter(letter, source));

    assertThat(deadLetters.calls).hasValue(2);
    assertThat(deadLetters.written).containsExactly(letter);
    assertThat(listener.writeFailures).hasSize(1);
    assertThat(executor.delays).containsExactly(Duration.ofMillis(500));
    assertThat(engine.inFlight()).isZero();
  }

  @Test
  void openBreakerHoldsTheTaskWithoutARequestOrAnAttempt() {
    openBreaker(URL);
    DeliveryTask task = firstTask();

    awaitDone(engine.deliver(task, source));

    assertThat(sender.requests).isEmpty();
    assertThat(retries.calls)
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.task().attempts()).isZero();
              assertThat(h.task().holds()).isEqualTo(1);
              assertThat(h.task().firstHeldAt()).isEqualTo(NOW);
              assertThat(h.dueAt()).isEqualTo(NOW.plus(HELD_FOR_BREAKER));
            });
    assertThat(listener.held)
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.reason()).isEqualTo("circuit_open");
              assertThat(h.delay()).isEqualTo(HELD_FOR_BREAKER);
            });
    assertThat(listener.attempts).isEmpty();
    assertThat(listener.retries).isEmpty();
    assertThat(deadLetters.written).isEmpty();
    assertThat(engine.inFlight()).isZero();
  }

  @Test
  void heldTaskKeepsTheAttemptsItAlreadyMade() {
    openBreaker(URL);
    DeliveryTask task = taskAfter(2, NOW.minus(Duration.ofMinutes(5)));

    awaitDone(engine.deliver(task, source));

    assertThat(retries.calls)
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.task().attempts()).isEqualTo(2);
              assertThat(h.task().firstAttemptAt()).isEqualTo(task.firstAttemptAt());
            });
  }

  @Test
  void everyHoldOfTheSameTaskWaitsTwiceAsLongAsTheOneBefore() {
    openBreaker(URL);
    DeliveryTask heldTwice = firstTask().afterHold(NOW.minusSeconds(90)).afterHold(NOW);

    awaitDone(engine.deliver(heldTwice, source));

    assertThat(retries.calls)
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.task().holds()).isEqualTo(3);
              assertThat(h.task().firstHeldAt()).isEqualTo(NOW.minusSeconds(90));
              assertThat(h.dueAt()).isEqualTo(NOW.plus(HELD_FOR_BREAKER.multipliedBy(4)));
            });
  }

  @Test
  void taskNeverAttemptedIsHeldHoweverOldItsRecordIs() {
    openBreaker(URL);
    Origin ancient = origin(NOW.minus(MAX_AGE).minus(Duration.ofDays(30)));
    DeliveryTask task = DeliveryTask.first(event("evt_1"), subscription("wh_1", URL), ancient);

    awaitDone(engine.deliver(task, source));

    assertThat(deadLetters.written).isEmpty();
    assertThat(retries.calls).singleElement().extracting(h -> h.task().holds()).isEqualTo(1);
  }

  @Test
  void backlogOlderThanMaxAgeIsAttemptedNotExpired() {
    sender.script(OK);
    Origin ancient = origin(NOW.minus(MAX_AGE).minus(Duration.ofDays(30)));

    awaitDone(
        engine.deliver(
            DeliveryTask.first(event("evt_1"), subscription("wh_1", URL), ancient), source));

    assertThat(listener.delivered).hasSize(1);
    assertThat(deadLetters.written).isEmpty();
  }

  @Test
  void heldTaskPastMaxAgeIsDeadLetteredAsExpired() {
    openBreaker(URL);
    // First held long ago: its age counts from that hold; the limit is reached 20s from now.
    DeliveryTask task = firstTask().afterHold(NOW.minus(MAX_AGE).plusSeconds(20));

    awaitDone(engine.deliver(task, source));

    DeadLetter letter = deadLetters.single();
    assertThat(letter.reason()).isEqualTo("expired");
    assertThat(letter.attempts()).isZero();
    assertThat(letter.error()).contains("circuit_open").contains("hooks.example.com:443");
    assertThat(sender.requests).isEmpty();
    assertThat(retries.calls).isEmpty();
  }

  @Test
  void taskForABusyEndpointWaitsInMemoryAndIsSentWhenTheSlotFrees() throws Exception {
    sender.holdResponses();
    CompletableFuture<Void> first = engine.deliver(firstTask(), source);
    CompletableFuture<HttpResult> firstResponse = nextPending(sender.pending);

    CompletableFuture<Void> second = engine.deliver(task("evt_2", URL), source);

    assertThat(sender.requests).as("the second waits for the slot").hasSize(1);
    assertThat(second).isNotDone();
    assertThat(retries.calls).as("a queued task is not handed over").isEmpty();
    assertThat(listener.held).isEmpty();
    assertThat(engine.inFlight()).isEqualTo(2);

    firstResponse.complete(OK);
    awaitDone(first);
    nextPending(sender.pending).complete(OK);

    awaitDone(second);
    assertThat(sender.requests)
        .extracting(r -> header(r, "x-y42-delivery"))
        .containsExactly(DeliveryIds.of("evt_1", "wh_1"), DeliveryIds.of("evt_2", "wh_1"));
    assertThat(listener.delivered).hasSize(2);
    assertThat(scheduler.snapshot(1).inFlight()).isZero();
    assertThat(scheduler.waiting()).isZero();
    assertThat(engine.inFlight()).isZero();
  }

  @Test
  void manyTasksForAnAnsweringEndpointAllWaitInMemory() throws Exception {
    sender.holdResponses();
    answeredOnce(URL, Duration.ofMillis(1)); // the endpoint answers in 1 ms

    List<CompletableFuture<Void>> done = new java.util.ArrayList<>();
    for (int i = 1; i < 200; i++) {
      done.add(engine.deliver(task("evt_" + i, URL), source));
    }

    assertThat(scheduler.waiting()).as("one in flight, the rest in memory").isEqualTo(198);
    for (int i = 1; i < 200; i++) {
      nextPending(sender.pending).complete(OK);
    }
    done.forEach(DeliveryEngineTest::awaitDone);
    assertThat(retries.calls).as("nothing held, however many wait").isEmpty();
    assertThat(listener.held).isEmpty();
    assertThat(listener.delivered).hasSize(200);
  }

  @Test
  void aBusyLaneWhosePaceIsSlowKeepsItsTasksUntilItFallsBehind() throws Exception {
    sender.holdResponses();
    answeredOnce(URL, Duration.ofMillis(100)); // one request takes 100 ms here
    for (int i = 1; i <= 200; i++) {
      engine.deliver(task("evt_" + i, URL), source);
    }
    scheduler.maintain();

    // One at a time, the last would start in 20 s, past the 5 s maximum; but the lane answers and
    // nothing has waited long yet: a guess is no reason to hold.
    assertThat(retries.calls).isEmpty();
    assertThat(scheduler.waiting()).isEqualTo(199);

    for (int i = 0; i < 51; i++) { // 5.1 s of answers, one every 100 ms
      nanos.addAndGet(Duration.ofMillis(100).toNanos());
      nextPending(sender.pending).complete(OK);
      int answered = i + 1;
      await().atMost(Duration.ofSeconds(5)).until(() -> sender.requests.size() == answered + 2);
    }
    scheduler.maintain();

    // The oldest has now waited over 5 s: of the 148 left, what would wait over 5 s more is held.
    await().atMost(Duration.ofSeconds(5)).until(() -> retries.calls.size() == 98);
    assertThat(listener.held).allMatch(h -> h.reason().equals("endpoint_busy"));
    assertThat(scheduler.waiting()).isEqualTo(50);
  }

  @Test
  void aNewHostSlowerToAnswerFirstThanTheOthersKeepsItsWaitingTasks() throws Exception {
    sender.holdResponses();
    answeredOnce(OTHER_URL, Duration.ofMillis(10)); // another host answers in 10 ms
    CompletableFuture<Void> first = engine.deliver(firstTask(), source);
    CompletableFuture<HttpResult> firstResponse = nextPending(sender.pending);
    queueBehindTheFirst(199);

    // Its first answer takes 400 ms, forty times the other host's: slow is not silent. Taken as
    // stalled this early, the deep end of its queue would be parked for a breaker's interval.
    nanos.addAndGet(Duration.ofMillis(400).toNanos());
    scheduler.maintain();
    firstResponse.complete(OK);
    awaitDone(first);
    scheduler.maintain();

    assertThat(retries.calls).isEmpty();
    assertThat(scheduler.waiting()).isEqualTo(198);
  }

  @Test
  void beforeAnythingHasAnsweredTheWorkerASilentHostGetsASecond() throws Exception {
    sender.holdResponses();
    CompletableFuture<Void> first = engine.deliver(firstTask(), source);
    nextPending(sender.pending);
    queueBehindTheFirst(199);

    // A cold worker may be the slow part itself: 300 ms of silence is no evidence yet.
    nanos.addAndGet(Duration.ofMillis(300).toNanos());
    scheduler.maintain();
    assertThat(retries.calls).isEmpty();
    assertThat(scheduler.waiting()).isEqualTo(199);

    nanos.addAndGet(Duration.ofMillis(800).toNanos());
    scheduler.maintain();
    await().atMost(Duration.ofSeconds(5)).until(() -> !retries.calls.isEmpty());
    assertThat(first).isNotDone();
  }

  /** Delivers task evt_0 to {@code url}, its request answered with 200 after {@code rtt}. */
  private void answeredOnce(URI url, Duration rtt) throws InterruptedException {
    CompletableFuture<Void> done = engine.deliver(task("evt_0", url), source);
    nanos.addAndGet(rtt.toNanos());
    nextPending(sender.pending).complete(OK);
    awaitDone(done);
  }

  /** Tasks evt_2, evt_3, … to URL, waiting behind the first one's request. */
  private void queueBehindTheFirst(int tasks) {
    for (int i = 2; i <= tasks + 1; i++) {
      engine.deliver(task("evt_" + i, URL), source);
    }
  }

  @Test
  void taskThatCouldNotStartWithinTheMaximumQueueWaitIsHeldAsBusy() throws Exception {
    sender.holdResponses();
    CompletableFuture<Void> first = engine.deliver(firstTask(), source);
    CompletableFuture<HttpResult> firstResponse = nextPending(sender.pending);
    CompletableFuture<Void> queued = engine.deliver(task("evt_2", URL), source);
    // No answer for 3 s: one request takes at least that long, so a third task would wait 6 s.
    nanos.addAndGet(Duration.ofSeconds(3).toNanos());
    DeliveryTask third = task("evt_3", URL);

    awaitDone(engine.deliver(third, source));

    assertThat(retries.calls)
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.task().deliveryId()).isEqualTo(third.deliveryId());
              assertThat(h.task().attempts()).isZero();
              // A lane with no answer at all is stalled: held as long as for an open breaker.
              assertThat(h.dueAt()).isEqualTo(NOW.plus(HELD_FOR_BREAKER));
            });
    assertThat(listener.held)
        .singleElement()
        .satisfies(h -> assertThat(h.reason()).isEqualTo("endpoint_busy"));
    assertThat(sender.requests).hasSize(1);
    assertThat(first).isNotDone();
    assertThat(queued).isNotDone();

    firstResponse.complete(OK);
    nextPending(sender.pending).complete(OK);

    awaitDone(first);
    awaitDone(queued);
    assertThat(engine.inFlight()).isZero();
  }

  @Test
  void waitingTasksOfALaneThatStoppedAnsweringAreShedToARetryTier() throws Exception {
    sender.holdResponses();
    CompletableFuture<Void> first = engine.deliver(firstTask(), source);
    nextPending(sender.pending);
    List<CompletableFuture<Void>> waiting = new java.util.ArrayList<>();
    for (int i = 2; i <= 4; i++) {
      waiting.add(engine.deliver(task("evt_" + i, URL), source));
    }
    assertThat(scheduler.waiting()).isEqualTo(3);

    // 3 s without an answer: the waiting would start after 3, 6 and 9 s; only the first in time.
    nanos.addAndGet(Duration.ofSeconds(3).toNanos());
    scheduler.maintain();

    waiting.subList(1, 3).forEach(DeliveryEngineTest::awaitDone);
    assertThat(waiting.get(0)).isNotDone();
    assertThat(first).isNotDone();
    assertThat(listener.held)
        .extracting(RecordingDeliveryListener.Held::reason)
        .containsExactly("endpoint_busy", "endpoint_busy");
    assertThat(scheduler.waiting()).isEqualTo(1);
  }

  @Test
  void queuedTaskIsHeldWhenTheBreakerOpensBeforeItGetsTheSlot() throws Exception {
    sender.holdResponses();
    CompletableFuture<Void> first = engine.deliver(firstTask(), source);
    CompletableFuture<HttpResult> firstResponse = nextPending(sender.pending);
    DeliveryTask waiting = task("evt_2", URL);
    CompletableFuture<Void> queued = engine.deliver(waiting, source);
    openBreaker(URL);

    firstResponse.complete(OK);

    awaitDone(first);
    awaitDone(queued);
    assertThat(sender.requests).hasSize(1);
    assertThat(retries.calls)
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.task().deliveryId()).isEqualTo(waiting.deliveryId());
              assertThat(h.dueAt()).isEqualTo(NOW.plus(HELD_FOR_BREAKER));
            });
    assertThat(listener.held).singleElement().extracting(h -> h.reason()).isEqualTo("circuit_open");
    assertThat(scheduler.snapshot(1).inFlight()).as("the slot was given back").isZero();
    assertThat(engine.inFlight()).isZero();
  }

  @Test
  void parkHandsTheTaskOverAsItIsDueAtTheGivenTimeWithoutARequest() {
    DeliveryTask task = taskAfter(2, NOW.minus(Duration.ofMinutes(5)));
    Instant dueAt = NOW.plus(Duration.ofHours(3));

    awaitDone(engine.park(task, dueAt, source));

    assertThat(retries.calls)
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.task()).isEqualTo(task);
              assertThat(h.dueAt()).isEqualTo(dueAt);
            });
    assertThat(sender.requests).isEmpty();
    assertThat(listener.attempts).isEmpty();
    assertThat(listener.retries).isEmpty();
    assertThat(listener.held).isEmpty();
    assertThat(deadLetters.written).isEmpty();
    assertThat(engine.inFlight()).isZero();
  }

  @Test
  void parkDoesNotWaitForABusyEndpointOrAnOpenBreaker() throws Exception {
    openBreaker(URL);
    sender.holdResponses();
    engine.deliver(task("evt_0", OTHER_URL), source);

    awaitDone(engine.park(firstTask(), NOW.plus(Duration.ofHours(1)), source));

    assertThat(retries.calls).hasSize(1);
    assertThat(listener.held).isEmpty();
  }

  @Test
  void parkedTaskEndsOnlyWhenAHandOverIsAcknowledged() throws Exception {
    retries.manual = true;
    Instant dueAt = NOW.plus(Duration.ofHours(3));

    CompletableFuture<Void> done = engine.park(firstTask(), dueAt, source);

    nextPending(retries.pending).completeExceptionally(new IllegalStateException("no leader"));
    CompletableFuture<String> second = nextPending(retries.pending);
    assertThat(done).isNotDone();
    assertThat(engine.inFlight()).isEqualTo(1);

    second.complete("5m");

    awaitDone(done);
    assertThat(retries.calls).hasSize(2).allSatisfy(h -> assertThat(h.dueAt()).isEqualTo(dueAt));
    assertThat(executor.delays).containsExactly(Duration.ofMillis(500));
    assertThat(engine.inFlight()).isZero();
  }

  @Test
  void throwingListenerDoesNotKeepADeliveredTaskFromEnding() {
    DeliveryEngine withThrowingListener = engine(new ThrowingListener());
    sender.script(OK);

    CompletableFuture<Void> done = withThrowingListener.deliver(firstTask(), source);

    awaitDone(done);
    assertThat(done).isCompletedWithValue(null);
    assertThat(withThrowingListener.inFlight()).isZero();
    assertThat(scheduler.snapshot(1).inFlight()).as("the slot was freed").isZero();
  }

  @Test
  void throwingListenerDoesNotKeepARetriedTaskFromEnding() {
    DeliveryEngine withThrowingListener = engine(new ThrowingListener());
    sender.script(new HttpResult.Response(503, null));

    awaitDone(withThrowingListener.deliver(firstTask(), source));

    assertThat(retries.calls).hasSize(1);
    assertThat(withThrowingListener.inFlight()).isZero();
  }

  @Test
  void throwingListenerDoesNotKeepAHeldTaskFromEnding() {
    DeliveryEngine withThrowingListener = engine(new ThrowingListener());
    openBreaker(URL);

    awaitDone(withThrowingListener.deliver(firstTask(), source));

    assertThat(retries.calls).hasSize(1);
    assertThat(withThrowingListener.inFlight()).isZero();
  }

  @Test
  void throwingListenerDoesNotStopADeadLetterFromBeingWrittenAgainAndEnding() {
    DeliveryEngine withThrowingListener = engine(new ThrowingListener());
    deadLetters.failNext.set(1);
    sender.script(new HttpResult.Response(410, null));

    awaitDone(withThrowingListener.deliver(firstTask(), source));

    assertThat(deadLetters.calls).hasValue(2);
    assertThat(deadLetters.single().reason()).isEqualTo("gone");
    assertThat(disabled).hasSize(1);
    assertThat(withThrowingListener.inFlight()).isZero();
  }

  @Test
  void throwingWebhookDisablerDoesNotKeepTheTaskFromBeingDeadLettered() {
    DeliveryEngine failingDisable =
        new DeliveryEngine(
            sender,
            deadLetters,
            new TierRetries(
                new RetryPolicy(
                    List.of(Duration.ofSeconds(5)),
                    0.2,
                    MAX_RETRY_AFTER,
                    MAX_AGE,
                    Duration.ofHours(1),
                    () -> 0.5),
                retries,
                Clock.fixed(NOW, ZoneOffset.UTC)),
            subscription -> {
              throw new IllegalStateException("subscription store down");
            },
            scheduler,
            new RoomSignal(),
            listener,
            Clock.fixed(NOW, ZoneOffset.UTC),
            executor);
    sender.script(new HttpResult.Response(410, null));

    awaitDone(failingDisable.deliver(firstTask(), source));

    assertThat(deadLetters.single().reason()).isEqualTo("gone");
    assertThat(failingDisable.inFlight()).isZero();
  }

  @Test
  void throwingListenerDoesNotKeepAParkedTaskFromEnding() {
    DeliveryEngine withThrowingListener = engine(new ThrowingListener());

    awaitDone(withThrowingListener.park(firstTask(), NOW.plus(Duration.ofHours(1)), source));

    assertThat(withThrowingListener.inFlight()).isZero();
  }

  @Test
  void busyEndpointDoesNotHoldUpAnotherEndpoint() throws Exception {
    sender.holdResponses();
    engine.deliver(firstTask(), source);
    nextPending(sender.pending);

    CompletableFuture<Void> other = engine.deliver(task("evt_2", OTHER_URL), source);
    nextPending(sender.pending).complete(OK);

    awaitDone(other);
    assertThat(sender.requests).extracting(WebhookRequest::url).containsExactly(URL, OTHER_URL);
    assertThat(listener.held).isEmpty();
  }

  @Test
  void webhookOverItsRateLimitWaitsInProcessWithoutAHandOverOrAnAttempt() {
    Subscription limited = TestSubscriptions.subscription("wh_1", "space_1", URL, true, 1);
    sender.script(OK);
    awaitDone(engine.deliver(DeliveryTask.first(event("evt_1"), limited, origin(NOW)), source));

    awaitDone(engine.deliver(DeliveryTask.first(event("evt_2"), limited, origin(NOW)), source));

    assertThat(executor.delays).contains(Duration.ofSeconds(1));
    assertThat(sender.requests).hasSize(2);
    assertThat(listener.delivered).extracting(DeliveryTask::attempts).containsExactly(1, 1);
    assertThat(retries.calls).isEmpty();
    assertThat(listener.held).isEmpty();
  }

  @Test
  void endpointFailuresCountAgainstTheBreakerButClientErrorsDoNot() {
    sender.script(new HttpResult.Response(503, null), new HttpResult.Response(404, null), OK);

    awaitDone(engine.deliver(task("evt_1", URL), source));
    awaitDone(engine.deliver(task("evt_2", URL), source));
    awaitDone(engine.deliver(task("evt_3", URL), source));

    CircuitBreaker.Metrics metrics =
        breakers.circuitBreaker(EndpointScheduler.breakerName("wh_1", URL.toString())).getMetrics();
    assertThat(metrics.getNumberOfFailedCalls()).isEqualTo(1);
    assertThat(metrics.getNumberOfSuccessfulCalls()).isEqualTo(2);
  }

  @Test
  void taskCountsAsInFlightUntilItsResponseArrives() throws Exception {
    sender.holdResponses();

    CompletableFuture<Void> done = engine.deliver(firstTask(), source);
    CompletableFuture<HttpResult> response = nextPending(sender.pending);

    assertThat(engine.inFlight()).isEqualTo(1);
    response.complete(OK);
    awaitDone(done);
    assertThat(engine.inFlight()).isZero();
  }

  /** One request in flight per host at a time; tasks wait in memory up to MAX_QUEUE_WAIT. */
  private DeliveryEngine engine(DeliveryListener listener) {
    RoomSignal room = new RoomSignal();
    scheduler =
        new EndpointScheduler(
            new EndpointScheduler.Settings(MAX_QUEUE_WAIT, BREAKER_WAIT, Duration.ofMinutes(10)),
            breakers,
            () -> FixedLimit.of(1),
            1,
            start -> FixedLimit.of(1),
            Budget.fixed(1000),
            executor,
            nanos::get,
            room::signal);
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    return new DeliveryEngine(
        sender,
        deadLetters,
        new TierRetries(
            new RetryPolicy(
                List.of(Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofMinutes(5)),
                0.2,
                MAX_RETRY_AFTER,
                MAX_AGE,
                Duration.ofHours(1),
                () -> 0.75),
            retries,
            clock),
        disabled::add,
        scheduler,
        room,
        listener,
        clock,
        executor);
  }

  private void openBreaker(URI url) {
    breakers
        .circuitBreaker(EndpointScheduler.breakerName("wh_1", url.toString()))
        .transitionToOpenState();
  }

  @Test
  void aTaskWhosePartitionWasRevokedDuringItsAttemptHandsNothingOver() throws Exception {
    sender.holdResponses();
    CompletableFuture<Void> done = engine.deliver(firstTask(), source);
    CompletableFuture<HttpResult> response = nextPending(sender.pending);

    source.owned = false;
    response.complete(new HttpResult.Response(500, null));

    awaitDone(done);
    assertThat(retries.calls).as("the next owner redoes it: no second retry chain").isEmpty();
    assertThat(deadLetters.written).isEmpty();
    assertThat(listener.fenced).hasSize(1);
    assertThat(engine.inFlight()).isZero();
  }

  @Test
  void aLastAttemptWhosePartitionWasRevokedIsReportedAsARetryNotADeadLetter() throws Exception {
    sender.holdResponses();
    CompletableFuture<Void> done = engine.deliver(taskAfter(3, NOW.minusSeconds(60)), source);
    CompletableFuture<HttpResult> response = nextPending(sender.pending);

    source.owned = false;
    response.complete(new HttpResult.Response(500, null));

    awaitDone(done);
    // The next owner makes this attempt again: it has not ended the delivery.
    assertThat(listener.attempts).hasSize(1);
    assertThat(listener.attempts.get(0).outcome()).isInstanceOf(Outcome.Retry.class);
    assertThat(deadLetters.written).isEmpty();
    assertThat(listener.fenced).hasSize(1);
  }

  @Test
  void aWaitingTaskOfARevokedPartitionIsNotSent() throws Exception {
    sender.holdResponses();
    CompletableFuture<Void> first = engine.deliver(firstTask(), source);
    CompletableFuture<HttpResult> response = nextPending(sender.pending);
    CompletableFuture<Void> waiting = engine.deliver(task("evt_2", URL), source);

    source.owned = false;
    response.complete(OK);

    awaitDone(first);
    awaitDone(waiting);
    assertThat(sender.requests).hasSize(1);
    assertThat(listener.delivered).hasSize(1);
    assertThat(listener.fenced).hasSize(1);
    assertThat(scheduler.snapshot(1).inFlight()).isZero();
  }

  @Test
  void aWriteThatKeepsFailingMarksItsPartitionStuckUntilItGoesThrough() {
    sender.script(new HttpResult.Response(500, null));
    retries.failNext.set(5);

    awaitDone(engine.deliver(firstTask(), source));

    assertThat(source.reports).containsExactly(true, false);
    assertThat(retries.calls).hasSize(6);
  }

  @Test
  void aWriteThatKeepsFailingIsGivenUpOnceItsPartitionIsRevoked() {
    sender.script(new HttpResult.Response(500, null));
    retries.failNext.set(Integer.MAX_VALUE);

    CompletableFuture<Void> done = engine.deliver(firstTask(), source);
    await().atMost(Duration.ofSeconds(5)).until(() -> source.failing.get() == 1);
    source.owned = false;

    awaitDone(done);
    assertThat(source.failing).as("no longer reported stuck").hasValue(0);
    assertThat(listener.retries).isEmpty();
  }

  /** A partition that the test can revoke, counting the writes reported failing. */
  static final class TestSource implements Source {
    volatile boolean owned = true;
    final java.util.concurrent.atomic.AtomicInteger failing =
        new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public boolean owned() {
      return owned;
    }

    final List<Boolean> reports = new CopyOnWriteArrayList<>();

    @Override
    public void writeFailing(boolean failing) {
      this.failing.addAndGet(failing ? 1 : -1);
      reports.add(failing);
    }
  }

  /** A listener that fails on every call. */
  private static final class ThrowingListener implements DeliveryListener {
    @Override
    public void attemptFinished(DeliveryTask task, Outcome outcome, Duration elapsed) {
      throw new IllegalStateException("listener broken");
    }

    @Override
    public void delivered(DeliveryTask task) {
      throw new IllegalStateException("listener broken");
    }

    @Override
    public void retryScheduled(
        DeliveryTask task, Outcome.Retry outcome, String tier, Duration delay) {
      throw new IllegalStateException("listener broken");
    }

    @Override
    public void held(DeliveryTask task, String reason, Duration wait) {
      throw new IllegalStateException("listener broken");
    }

    @Override
    public void deadLettered(DeadLetter deadLetter) {
      throw new IllegalStateException("listener broken");
    }

    @Override
    public void deadLetterWriteFailed(DeadLetter deadLetter, Throwable error) {
      throw new IllegalStateException("listener broken");
    }
  }

  private static DeliveryTask firstTask() {
    return task("evt_1", URL);
  }

  private static DeliveryTask task(String eventId, URI url) {
    return DeliveryTask.first(event(eventId), subscription("wh_1", url), origin(NOW));
  }

  private static DeliveryTask taskAfter(int attempts, Instant firstAttemptAt) {
    DeliveryTask first = firstTask();
    return new DeliveryTask(
        first.event(),
        first.subscription(),
        first.deliveryId(),
        first.origin(),
        attempts,
        firstAttemptAt,
        firstAttemptAt.plusSeconds(1),
        0,
        null,
        0);
  }

  private static Event event(String id) {
    return new Event(id, "job.failed", TestSubscriptions.SPACE, null, body(id));
  }

  private static byte[] body(String eventId) {
    return ("{\"id\":\"" + eventId + "\",\"type\":\"job.failed\",\"space_id\":\"space_1\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static Origin origin(Instant timestamp) {
    return new Origin(
        "y42.events.jobs", 3, 42, "space_1".getBytes(StandardCharsets.UTF_8), timestamp);
  }

  private static <T> CompletableFuture<T> nextPending(BlockingQueue<CompletableFuture<T>> queue)
      throws InterruptedException {
    CompletableFuture<T> next = queue.poll(5, TimeUnit.SECONDS);
    assertThat(next).as("the engine made no further call within 5s").isNotNull();
    return next;
  }

  private static void awaitDone(CompletableFuture<Void> done) {
    await()
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(5))
        .atMost(Duration.ofSeconds(5))
        .until(done::isDone);
    assertThat(done).isCompleted();
  }

  private static String header(WebhookRequest request, String name) {
    return request.headers().stream()
        .filter(h -> h.name().equals(name))
        .map(WebhookRequest.Header::value)
        .findFirst()
        .orElse(null);
  }
}
