package dev.fanout.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.event.Event;
import dev.fanout.event.Origin;
import dev.fanout.subscription.Subscription;
import dev.fanout.testing.TestSubscriptions;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Real Resilience4j registries (the breaker opens after two calls of which one failed) and real
 * endpoint slots, two per endpoint, whose executor only collects what it is handed so that the test
 * decides when it runs.
 */
class EndpointGuardsTest {
  private static final URI URL = URI.create("https://hooks.example.com/y42");
  private static final URI SAME_ENDPOINT = URI.create("https://HOOKS.example.com:443/other");
  private static final URI OTHER_URL = URI.create("https://elsewhere.example.org/hook");
  private static final Duration BREAKER_WAIT = Duration.ofSeconds(30);
  private static final Duration BUSY_WAIT = Duration.ofSeconds(5);
  private static final Runnable NO_RETRY =
      () -> {
        throw new AssertionError("a task that was not queued must never be retried");
      };
  private static final Outcome OK = new Outcome.Delivered(200);
  private static final Outcome UNAVAILABLE =
      new Outcome.Retry("http_status", 503, null, "endpoint answered HTTP 503", true);

  private final CircuitBreakerRegistry breakers =
      CircuitBreakerRegistry.of(
          CircuitBreakerConfig.custom()
              .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
              .slidingWindowSize(2)
              .minimumNumberOfCalls(2)
              .failureRateThreshold(50)
              .waitDurationInOpenState(BREAKER_WAIT)
              .permittedNumberOfCallsInHalfOpenState(1)
              .automaticTransitionFromOpenToHalfOpenEnabled(false)
              .build());
  private final List<Runnable> handedToExecutor = new CopyOnWriteArrayList<>();
  private final EndpointSlots slots = new EndpointSlots(2, handedToExecutor::add);
  private final EndpointGuards guards =
      new EndpointGuards(breakers, RateLimiterRegistry.ofDefaults(), slots, BUSY_WAIT);

  @Test
  void admitsWhileTheBreakerIsClosedAndTheEndpointHasRoom() {
    assertThat(guards.admit(task("wh_1", URL, null), NO_RETRY))
        .isInstanceOf(EndpointGuards.Admitted.class);
  }

  @Test
  void holdsAsCircuitOpenForTheBreakersWaitWhileItIsOpen() {
    breaker(URL).transitionToOpenState();

    EndpointGuards.Decision decision = guards.admit(task("wh_1", URL, null), NO_RETRY);

    assertThat(decision).isEqualTo(new EndpointGuards.Held(BREAKER_WAIT, "circuit_open"));
    assertThat(slots.inFlight(Endpoints.key(URL))).as("a held task keeps no slot").isZero();
  }

  @Test
  void holdsForAShortRecheckWhileTheHalfOpenProbesAreTaken() {
    breaker(URL).transitionToOpenState();
    breaker(URL).transitionToHalfOpenState();
    assertThat(guards.admit(task("wh_1", URL, null), NO_RETRY))
        .isInstanceOf(EndpointGuards.Admitted.class);

    EndpointGuards.Decision decision = guards.admit(task("wh_1", URL, null), NO_RETRY);

    assertThat(decision).isEqualTo(new EndpointGuards.Held(Duration.ofSeconds(1), "circuit_open"));
  }

  @Test
  void queuesATaskWhenTheEndpointHasNoFreeSlotButRoomToWait() {
    admitted(task("wh_1", URL, null));
    admitted(task("wh_2", SAME_ENDPOINT, null));

    EndpointGuards.Decision decision = guards.admit(task("wh_3", URL, null), () -> {});

    assertThat(decision).isEqualTo(new EndpointGuards.Queued());
    assertThat(handedToExecutor).as("nothing runs before a slot frees").isEmpty();
  }

  @Test
  void holdsAsEndpointBusyWhenTheSlotsAndTheWaitQueueAreFull() {
    admitted(task("wh_1", URL, null));
    admitted(task("wh_2", SAME_ENDPOINT, null));
    assertThat(guards.admit(task("wh_3", URL, null), () -> {}))
        .isInstanceOf(EndpointGuards.Queued.class);
    assertThat(guards.admit(task("wh_4", URL, null), () -> {}))
        .isInstanceOf(EndpointGuards.Queued.class);

    EndpointGuards.Decision decision = guards.admit(task("wh_5", URL, null), NO_RETRY);

    assertThat(decision).isEqualTo(new EndpointGuards.Held(BUSY_WAIT, "endpoint_busy"));
  }

  @Test
  void queuedTaskIsRetriedOnTheExecutorWithTheFreedSlotWhenAnAttemptIsReleased() {
    EndpointGuards.Admitted first = admitted(task("wh_1", URL, null));
    admitted(task("wh_1", URL, null));
    DeliveryTask waiting = task("wh_2", URL, null);
    List<EndpointGuards.Decision> retried = new ArrayList<>();
    assertThat(guards.admit(waiting, () -> retried.add(guards.admitWithSlot(waiting))))
        .isInstanceOf(EndpointGuards.Queued.class);

    guards.release(first, OK, Duration.ofMillis(3));

    assertThat(retried).as("the retry runs on the executor, not inside release").isEmpty();
    assertThat(slots.inFlight(Endpoints.key(URL))).as("the slot passed straight on").isEqualTo(2);
    assertThat(handedToExecutor).hasSize(1);
    handedToExecutor.get(0).run();
    assertThat(retried).singleElement().isInstanceOf(EndpointGuards.Admitted.class);
    assertThat(slots.inFlight(Endpoints.key(URL))).isEqualTo(2);
  }

  @Test
  void queuedTaskTakesNoBreakerPermissionUntilItHasASlot() {
    breaker(URL).transitionToOpenState();
    breaker(URL).transitionToHalfOpenState(); // one probe permitted
    String endpoint = Endpoints.key(URL);
    slots.acquire(endpoint, NO_RETRY);
    slots.acquire(endpoint, NO_RETRY);
    DeliveryTask waiting = task("wh_1", URL, null);
    List<EndpointGuards.Decision> retried = new ArrayList<>();

    assertThat(guards.admit(waiting, () -> retried.add(guards.admitWithSlot(waiting))))
        .isEqualTo(new EndpointGuards.Queued());
    slots.release(endpoint);
    handedToExecutor.forEach(Runnable::run);

    assertThat(retried)
        .as("the probe permission was still there once the task had a slot")
        .singleElement()
        .isInstanceOf(EndpointGuards.Admitted.class);
  }

  @Test
  void breakerOpenedWhileATaskWaitedHoldsItAndReleasesTheSlotItWasHanded() {
    EndpointGuards.Admitted first = admitted(task("wh_1", URL, null));
    admitted(task("wh_1", URL, null));
    DeliveryTask waiting = task("wh_2", URL, null);
    List<EndpointGuards.Decision> retried = new ArrayList<>();
    guards.admit(waiting, () -> retried.add(guards.admitWithSlot(waiting)));
    guards.release(first, OK, Duration.ofMillis(3));
    breaker(URL).transitionToOpenState();

    handedToExecutor.forEach(Runnable::run);

    assertThat(retried).containsExactly(new EndpointGuards.Held(BREAKER_WAIT, "circuit_open"));
    assertThat(slots.inFlight(Endpoints.key(URL))).isEqualTo(1);
  }

  @Test
  void slotGivenBackForAnOpenBreakerPassesToTheNextQueuedTask() {
    EndpointGuards.Admitted first = admitted(task("wh_1", URL, null));
    admitted(task("wh_1", URL, null));
    DeliveryTask older = task("wh_2", URL, null);
    DeliveryTask newer = task("wh_3", URL, null);
    List<EndpointGuards.Decision> retried = new ArrayList<>();
    guards.admit(older, () -> retried.add(guards.admitWithSlot(older)));
    guards.admit(newer, () -> retried.add(guards.admitWithSlot(newer)));
    guards.release(first, UNAVAILABLE, Duration.ofMillis(3));
    breaker(URL).transitionToOpenState();

    handedToExecutor.get(0).run();

    assertThat(handedToExecutor).as("the older task's slot went on to the newer one").hasSize(2);
    assertThat(slots.inFlight(Endpoints.key(URL))).isEqualTo(2);
    handedToExecutor.get(1).run();
    assertThat(retried)
        .containsExactly(
            new EndpointGuards.Held(BREAKER_WAIT, "circuit_open"),
            new EndpointGuards.Held(BREAKER_WAIT, "circuit_open"));
    assertThat(slots.inFlight(Endpoints.key(URL))).isEqualTo(1);
  }

  @Test
  void fullEndpointDoesNotHoldAnotherEndpoint() {
    admitted(task("wh_1", URL, null));
    admitted(task("wh_1", URL, null));

    assertThat(guards.admit(task("wh_2", OTHER_URL, null), NO_RETRY))
        .isInstanceOf(EndpointGuards.Admitted.class);
  }

  @Test
  void releaseFreesTheEndpointSlot() {
    EndpointGuards.Admitted first = admitted(task("wh_1", URL, null));
    admitted(task("wh_1", URL, null));

    guards.release(first, OK, Duration.ofMillis(3));

    assertThat(guards.admit(task("wh_1", URL, null), NO_RETRY))
        .isInstanceOf(EndpointGuards.Admitted.class);
  }

  @Test
  void throttlesAWebhookOverItsRateLimitKeepingItsSlotButNotTheBreakerPermission() {
    guards.release(admitted(task("wh_1", URL, 2)), OK, Duration.ZERO);
    guards.release(admitted(task("wh_1", URL, 2)), OK, Duration.ZERO);
    breaker(URL).transitionToOpenState();
    breaker(URL).transitionToHalfOpenState(); // one probe permitted

    EndpointGuards.Decision decision = guards.admit(task("wh_1", URL, 2), NO_RETRY);

    assertThat(decision).isEqualTo(new EndpointGuards.Throttled(Duration.ofMillis(500)));
    assertThat(slots.inFlight(Endpoints.key(URL)))
        .as("the throttled task keeps its endpoint slot while it waits")
        .isEqualTo(1);
    assertThat(guards.admit(task("wh_2", URL, null), NO_RETRY))
        .as("the probe permission was given back")
        .isInstanceOf(EndpointGuards.Admitted.class);
  }

  @Test
  void throttledTasksAreBoundedByTheirEndpointsSlotsAndQueue() {
    guards.release(admitted(task("wh_1", URL, 1)), OK, Duration.ZERO); // uses this second's permit

    // Two slots, two queue places: the fifth throttled task is held, not kept in memory.
    assertThat(guards.admit(task("wh_1", URL, 1), NO_RETRY))
        .isInstanceOf(EndpointGuards.Throttled.class);
    assertThat(guards.admit(task("wh_1", URL, 1), NO_RETRY))
        .isInstanceOf(EndpointGuards.Throttled.class);
    assertThat(guards.admit(task("wh_1", URL, 1), () -> {}))
        .isInstanceOf(EndpointGuards.Queued.class);
    assertThat(guards.admit(task("wh_1", URL, 1), () -> {}))
        .isInstanceOf(EndpointGuards.Queued.class);
    assertThat(guards.admit(task("wh_1", URL, 1), NO_RETRY))
        .isEqualTo(new EndpointGuards.Held(BUSY_WAIT, "endpoint_busy"));
  }

  @Test
  void abandoningAnAdmissionFreesItsSlotAndRecordsNothing() {
    EndpointGuards.Admitted admitted =
        (EndpointGuards.Admitted) guards.admit(task("wh_1", URL, null), NO_RETRY);

    guards.abandon(admitted);

    assertThat(slots.inFlight(Endpoints.key(URL))).isZero();
    assertThat(breaker(URL).getMetrics().getNumberOfBufferedCalls()).isZero();
  }

  @Test
  void rateLimitAppliesPerWebhookNotPerEndpoint() {
    guards.release(admitted(task("wh_1", URL, 1)), OK, Duration.ZERO);
    assertThat(guards.admit(task("wh_1", URL, 1), NO_RETRY))
        .isInstanceOf(EndpointGuards.Throttled.class);

    assertThat(guards.admit(task("wh_2", URL, 1), NO_RETRY))
        .isInstanceOf(EndpointGuards.Admitted.class);
  }

  @Test
  void throttledDelayIsAtLeastTenMilliseconds() {
    for (int i = 0; i < 500; i++) {
      guards.release(admitted(task("wh_1", URL, 500)), OK, Duration.ZERO);
    }

    assertThat(guards.admit(task("wh_1", URL, 500), NO_RETRY))
        .isEqualTo(new EndpointGuards.Throttled(Duration.ofMillis(10)));
  }

  @Test
  void changedRateLimitTakesEffectAtOnce() {
    guards.release(admitted(task("wh_1", URL, 1)), OK, Duration.ZERO);
    assertThat(guards.admit(task("wh_1", URL, 1), NO_RETRY))
        .isInstanceOf(EndpointGuards.Throttled.class);

    assertThat(guards.admit(task("wh_1", URL, 10), NO_RETRY))
        .isInstanceOf(EndpointGuards.Admitted.class);
  }

  @Test
  void webhookWithoutRateLimitIsNeverThrottled() {
    for (int i = 0; i < 100; i++) {
      guards.release(admitted(task("wh_1", URL, null)), OK, Duration.ZERO);
    }

    assertThat(guards.admit(task("wh_1", URL, null), NO_RETRY))
        .isInstanceOf(EndpointGuards.Admitted.class);
  }

  @Test
  void releaseFeedsEndpointFailuresAndSuccessesToTheBreaker() {
    Outcome clientError =
        new Outcome.Retry("http_status", 404, null, "endpoint answered HTTP 404", false);
    Outcome gone = new Outcome.DeadLetter("gone", 410, "endpoint answered HTTP 410", true);

    guards.release(admitted(task("wh_1", URL, null)), UNAVAILABLE, Duration.ofMillis(5));
    guards.release(admitted(task("wh_1", URL, null)), clientError, Duration.ofMillis(5));
    guards.release(admitted(task("wh_1", OTHER_URL, null)), gone, Duration.ofMillis(5));

    assertThat(breaker(URL).getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
    assertThat(breaker(URL).getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
    assertThat(breaker(OTHER_URL).getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
  }

  @Test
  void breakerOpensOnEndpointFailuresAndThenHoldsTasks() {
    guards.release(admitted(task("wh_1", URL, null)), UNAVAILABLE, Duration.ofMillis(5));
    guards.release(admitted(task("wh_1", URL, null)), UNAVAILABLE, Duration.ofMillis(5));

    assertThat(breaker(URL).getState()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(guards.admit(task("wh_1", URL, null), NO_RETRY))
        .isEqualTo(new EndpointGuards.Held(BREAKER_WAIT, "circuit_open"));
    assertThat(guards.admit(task("wh_2", OTHER_URL, null), NO_RETRY))
        .isInstanceOf(EndpointGuards.Admitted.class);
  }

  @Test
  void breakerRecordsAFailureNamingOnlyTheReason() {
    List<Throwable> recorded = new ArrayList<>();
    breaker(URL).getEventPublisher().onError(e -> recorded.add(e.getThrowable()));

    guards.release(admitted(task("wh_1", URL, null)), UNAVAILABLE, Duration.ofMillis(5));

    assertThat(recorded)
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t).hasMessage("http_status").hasNoCause();
              assertThat(t.getStackTrace()).isEmpty();
            });
  }

  private EndpointGuards.Admitted admitted(DeliveryTask task) {
    EndpointGuards.Decision decision = guards.admit(task, NO_RETRY);
    assertThat(decision).isInstanceOf(EndpointGuards.Admitted.class);
    return (EndpointGuards.Admitted) decision;
  }

  private CircuitBreaker breaker(URI url) {
    return breakers.circuitBreaker(Endpoints.key(url));
  }

  private static DeliveryTask task(String webhookId, URI url, Integer ratePerSecond) {
    Subscription subscription =
        TestSubscriptions.subscription(
            webhookId, TestSubscriptions.SPACE, url, true, ratePerSecond);
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    Event event = new Event("evt_1", "job.failed", TestSubscriptions.SPACE, null, body);
    return DeliveryTask.first(
        event, subscription, new Origin("y42.events.jobs", 0, 1, null, Instant.EPOCH));
  }
}
