package dev.fanout.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.limit.AIMDLimit;
import com.netflix.concurrency.limits.limit.FixedLimit;
import dev.fanout.deadletter.HoldReasons;
import dev.fanout.event.Event;
import dev.fanout.event.Origin;
import dev.fanout.subscription.Subscription;
import dev.fanout.testing.TestSubscriptions;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The scheduler alone, driven by hand: jobs record what they were told, the clock moves only when a
 * test moves it, and timers fire only when a test runs them.
 */
class EndpointSchedulerTest {
  private static final URI HEALTHY = URI.create("https://gateway.example.com/hooks/a");
  private static final URI BROKEN = URI.create("https://gateway.example.com/hooks/b");
  private static final URI ELSEWHERE = URI.create("https://other.example.org/hook");
  private static final Outcome DELIVERED = new Outcome.Delivered(200);
  private static final Outcome FAILED =
      new Outcome.Retry("http_status", 500, null, "endpoint answered HTTP 500", true);
  private static final Outcome TIMED_OUT = new Outcome.Retry("timeout", 0, null, "timed out", true);
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  private final AtomicLong nanos = new AtomicLong();
  private final RecordingExecutor timer = new RecordingExecutor();
  private final CircuitBreakerRegistry breakers =
      CircuitBreakerRegistry.of(
          CircuitBreakerConfig.custom()
              .slidingWindowSize(10)
              .minimumNumberOfCalls(4)
              .failureRateThreshold(50)
              .waitDurationInOpenState(Duration.ofSeconds(30))
              .automaticTransitionFromOpenToHalfOpenEnabled(false)
              .build());
  private int rooms;

  @AfterEach
  void stopTimer() {
    timer.shutdownNow();
  }

  @Test
  void aFailingUrlOpensOnlyItsOwnBreakerAndItsHostKeepsServingTheOthers() {
    EndpointScheduler scheduler = scheduler(1000, () -> FixedLimit.of(8), aimdLanes(8));
    for (int i = 0; i < 4; i++) {
      Job broken = offer(scheduler, task("evt_b" + i, "wh_b", BROKEN));
      scheduler.release(broken.permit, FAILED);
    }

    Job held = offer(scheduler, task("evt_b9", "wh_b", BROKEN));
    Job healthy = offer(scheduler, task("evt_a", "wh_a", HEALTHY));

    assertThat(held.heldFor).isEqualTo(HoldReasons.CIRCUIT_OPEN);
    assertThat(healthy.permit).as("same host, other webhook: sent at once").isNotNull();
    assertThat(breaker("wh_a", HEALTHY).getState()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void aBlackHoledUrlCannotTakeItsHostsSlots() {
    EndpointScheduler scheduler = scheduler(1000, () -> FixedLimit.of(16), aimdLanes(4));
    List<Job> hole = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      hole.add(offer(scheduler, task("evt_h" + i, "wh_b", BROKEN)));
    }
    assertThat(hole).allMatch(j -> j.permit != null);

    Job fifth = offer(scheduler, task("evt_h5", "wh_b", BROKEN));
    Job healthy = offer(scheduler, task("evt_a", "wh_a", HEALTHY));

    assertThat(fifth.permit).as("the lane's own cap of 4 is full").isNull();
    assertThat(healthy.permit).isNotNull();
    assertThat(scheduler.snapshot(1).inFlight())
        .as("12 of the host's 16 slots stay free")
        .isEqualTo(5);

    nanos.addAndGet(TimeUnit.SECONDS.toNanos(15));
    for (Job j : hole) {
      scheduler.release(j.permit, TIMED_OUT);
    }
    assertThat(fifth.heldFor)
        .as("four timeouts opened the breaker")
        .isEqualTo(HoldReasons.CIRCUIT_OPEN);
  }

  @Test
  void aNewWebhookStartsWithAQuarterOfItsHostsLimitSoABlackHoleLeavesTheRestFree() {
    IntFunction<Limit> startAsGiven =
        start ->
            AIMDLimit.newBuilder()
                .initialLimit(start)
                .minLimit(1)
                .maxLimit(100)
                .timeout(20, TimeUnit.SECONDS)
                .build();
    EndpointScheduler scheduler = scheduler(1000, () -> FixedLimit.of(20), startAsGiven);
    List<Job> hole = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      hole.add(offer(scheduler, task("evt_h" + i, "wh_b", BROKEN)));
    }
    List<Job> healthy = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      healthy.add(offer(scheduler, task("evt_a" + i, "wh_a", HEALTHY)));
    }

    assertThat(hole.stream().filter(j -> j.permit != null)).hasSize(5);
    assertThat(healthy.stream().filter(j -> j.permit != null)).hasSize(5);
    assertThat(scheduler.snapshot(1).inFlight()).as("10 of the host's 20 slots free").isEqualTo(10);
  }

  @Test
  void aWebhookWhoseLastAttemptsTimedOutHasItsTasksHeldNotQueued() {
    EndpointScheduler scheduler = scheduler(1000, () -> FixedLimit.of(8), aimdLanes(1));
    Job first = offer(scheduler, task("evt_1", "wh_b", BROKEN));
    Job second = offer(scheduler, task("evt_2", "wh_b", BROKEN));
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(15));
    scheduler.release(first.permit, TIMED_OUT);
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(15));
    scheduler.release(second.permit, TIMED_OUT);

    Job third = offer(scheduler, task("evt_3", "wh_b", BROKEN));
    Job fourth = offer(scheduler, task("evt_4", "wh_b", BROKEN));

    assertThat(third.permit).as("one request may still probe it").isNotNull();
    assertThat(fourth.heldFor).isEqualTo(HoldReasons.ENDPOINT_BUSY);
    assertThat(fourth.heldWait).isGreaterThanOrEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void tasksOfAHostAtItsLimitWaitInMemoryAndStartAsRequestsEnd() {
    EndpointScheduler scheduler = scheduler(1000, () -> FixedLimit.of(2), aimdLanes(20));
    Job first = offer(scheduler, task("evt_1", "wh_a", HEALTHY));
    offer(scheduler, task("evt_2", "wh_a", HEALTHY));
    Job third = offer(scheduler, task("evt_3", "wh_a", HEALTHY));

    assertThat(third.permit).isNull();
    assertThat(third.heldFor).isNull();
    assertThat(scheduler.waiting()).isEqualTo(1);

    nanos.addAndGet(MS);
    scheduler.release(first.permit, DELIVERED);

    assertThat(third.permit).isNotNull();
    assertThat(scheduler.waiting()).isZero();
  }

  @Test
  void aHostThatHeldARecordBackSaysSoOnceItHasRoomAgainAndOnlyThen() {
    EndpointScheduler scheduler = scheduler(2, () -> FixedLimit.of(1), aimdLanes(1));
    Job a = offer(scheduler, task("evt_a", "wh_a", HEALTHY));
    Job e = offer(scheduler, task("evt_e", "wh_e", ELSEWHERE));
    Job e2 = offer(scheduler, task("evt_e2", "wh_e", ELSEWHERE));
    assertThat(scheduler.hasRoomFor(List.of(task("evt_a2", "wh_a", HEALTHY)))).isFalse();

    scheduler.release(e.permit, DELIVERED);
    assertThat(rooms).as("the other host still has work: no more room for the first").isZero();
    scheduler.release(e2.permit, DELIVERED);
    assertThat(rooms).as("the other host is done: the first one's share grew").isEqualTo(1);
    scheduler.release(a.permit, DELIVERED);
    assertThat(rooms).isEqualTo(2);
  }

  @Test
  void whileStoppingALaneThatStoppedAnsweringStartsNothingMoreAndTheOthersGoOn() {
    EndpointScheduler scheduler = scheduler(1000, () -> FixedLimit.of(1), aimdLanes(1));
    Job e1 = offer(scheduler, task("evt_e1", "wh_e", ELSEWHERE));
    Job e2 = offer(scheduler, task("evt_e2", "wh_e", ELSEWHERE));
    Job hole = offer(scheduler, task("evt_b1", "wh_b", BROKEN));
    Job waitingForHole = offer(scheduler, task("evt_b2", "wh_b", BROKEN));
    nanos.addAndGet(MS);
    scheduler.release(e1.permit, DELIVERED);
    Job e3 = offer(scheduler, task("evt_e3", "wh_e", ELSEWHERE));
    // Two seconds without an answer from the black hole; the other host answers on.
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(2));
    scheduler.release(e2.permit, DELIVERED);
    Job e4 = offer(scheduler, task("evt_e4", "wh_e", ELSEWHERE));
    assertThat(hole.permit).isNotNull();
    assertThat(waitingForHole.heldFor).as("waits for its turn until the stop").isNull();

    scheduler.stopping();
    Job afterStop = offer(scheduler, task("evt_b3", "wh_b", BROKEN));

    assertThat(waitingForHole.heldFor).isEqualTo(HoldReasons.ENDPOINT_BUSY);
    assertThat(waitingForHole.permit).isNull();
    assertThat(afterStop.heldFor).isEqualTo(HoldReasons.ENDPOINT_BUSY);
    assertThat(e3.permit).isNotNull();
    assertThat(e4.heldFor).as("a lane that answers keeps its tasks").isNull();
    nanos.addAndGet(MS);
    scheduler.release(e3.permit, DELIVERED);
    assertThat(e4.permit).isNotNull();
    assertThat(scheduler.waiting()).isZero();
  }

  @Test
  void webhooksOfOneHostTakeTurns() {
    EndpointScheduler scheduler = scheduler(1000, () -> FixedLimit.of(1), aimdLanes(20));
    Job running = offer(scheduler, task("evt_0", "wh_a", HEALTHY));
    List<String> started = new ArrayList<>();
    List<Job> jobs = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      jobs.add(offer(scheduler, task("evt_a" + i, "wh_a", HEALTHY), started));
    }
    for (int i = 1; i <= 3; i++) {
      jobs.add(offer(scheduler, task("evt_b" + i, "wh_b", BROKEN), started));
    }

    Job current = running;
    for (int i = 0; i < 6; i++) {
      scheduler.release(current.permit, DELIVERED);
      current =
          jobs.stream().filter(j -> j.permit != null && !j.released).findFirst().orElseThrow();
      current.released = true;
    }

    assertThat(started).containsExactly("evt_a1", "evt_b1", "evt_a2", "evt_b2", "evt_a3", "evt_b3");
  }

  @Test
  void aThrottledWebhookHoldsNoHostSlot() {
    EndpointScheduler scheduler = scheduler(1000, () -> FixedLimit.of(1), aimdLanes(20));
    Subscription limited =
        TestSubscriptions.subscription("wh_r", TestSubscriptions.SPACE, HEALTHY, true, 1);
    Job first = offer(scheduler, DeliveryTask.first(event("evt_r1"), limited, origin()));
    Job throttled = offer(scheduler, DeliveryTask.first(event("evt_r2"), limited, origin()));
    Job other = offer(scheduler, task("evt_o", "wh_o", BROKEN));

    scheduler.release(first.permit, DELIVERED);

    assertThat(throttled.permit).as("over its rate of 1/s").isNull();
    assertThat(other.permit).as("the host's one slot goes to the other webhook").isNotNull();
    assertThat(timer.delays).contains(Duration.ofSeconds(1));
  }

  @Test
  void aHostGetsNoMoreThanItsFairShareWhileAnotherHasWork() {
    EndpointScheduler scheduler = scheduler(10, () -> FixedLimit.of(1), aimdLanes(1));
    for (int i = 0; i < 5; i++) {
      offer(scheduler, task("evt_s" + i, "wh_a", HEALTHY));
    }
    assertThat(scheduler.hasRoomFor(List.of(task("evt_s5", "wh_a", HEALTHY))))
        .as("alone, a host may use the whole budget")
        .isTrue();

    offer(scheduler, task("evt_e", "wh_e", ELSEWHERE));

    assertThat(scheduler.hasRoomFor(List.of(task("evt_s6", "wh_a", HEALTHY))))
        .as("5 of a budget of 10 shared by two hosts")
        .isFalse();
    assertThat(scheduler.hasRoomFor(List.of(task("evt_e2", "wh_e", ELSEWHERE)))).isTrue();
  }

  @Test
  void anOpenBreakerNeverStandsInTheWayOfARecord() {
    EndpointScheduler scheduler = scheduler(2, () -> FixedLimit.of(1), aimdLanes(1));
    offer(scheduler, task("evt_1", "wh_a", HEALTHY));
    offer(scheduler, task("evt_2", "wh_e", ELSEWHERE));
    offer(scheduler, task("evt_3", "wh_e", ELSEWHERE));
    breaker("wh_e", ELSEWHERE).transitionToOpenState();

    assertThat(scheduler.hasRoomFor(List.of(task("evt_4", "wh_e", ELSEWHERE)))).isTrue();
  }

  @Test
  void theHostLimitGrowsWhileRequestsSucceedAndShrinksOnTimeoutsButNotOnAFailingUrl() {
    Supplier<Limit> hostAimd =
        () ->
            AIMDLimit.newBuilder()
                .initialLimit(4)
                .minLimit(1)
                .maxLimit(100)
                .timeout(10, TimeUnit.SECONDS)
                .build();
    EndpointScheduler scheduler = scheduler(1000, hostAimd, aimdLanes(100));
    List<Job> running = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      running.add(offer(scheduler, task("evt_" + i, "wh_a", HEALTHY)));
    }
    for (int i = 4; i < 24; i++) {
      scheduler.release(running.remove(0).permit, DELIVERED);
      running.add(offer(scheduler, task("evt_" + i, "wh_a", HEALTHY)));
    }
    int grown = scheduler.snapshot(1).busiestHosts().get(0).limit();
    assertThat(grown).as("kept busy, the limit grows").isGreaterThan(4);

    Job failing = offer(scheduler, task("evt_f", "wh_f", BROKEN));
    scheduler.release(failing.permit, FAILED);
    assertThat(scheduler.snapshot(1).busiestHosts().get(0).limit()).isGreaterThanOrEqualTo(grown);

    int beforeTimeout = scheduler.snapshot(1).busiestHosts().get(0).limit();
    Job slow = offer(scheduler, task("evt_t", "wh_t", BROKEN));
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(15));
    scheduler.release(slow.permit, TIMED_OUT);
    assertThat(scheduler.snapshot(1).busiestHosts().get(0).limit()).isLessThan(beforeTimeout);
  }

  @Test
  void anUnusedWebhookIsForgottenAfterTheIdleTimeout() {
    EndpointScheduler scheduler = scheduler(1000, () -> FixedLimit.of(4), aimdLanes(4));
    Job job = offer(scheduler, task("evt_1", "wh_a", HEALTHY));
    scheduler.release(job.permit, DELIVERED);
    assertThat(scheduler.snapshot(1).lanes()).isEqualTo(1);

    nanos.addAndGet(TimeUnit.MINUTES.toNanos(11));
    scheduler.maintain();

    assertThat(scheduler.snapshot(1).lanes()).isZero();
    assertThat(scheduler.snapshot(1).hosts()).isZero();
    assertThat(breakers.getAllCircuitBreakers()).isEmpty();
  }

  @Test
  void aChangedUrlStartsAFreshLaneWithAClosedBreaker() {
    EndpointScheduler scheduler = scheduler(1000, () -> FixedLimit.of(8), aimdLanes(8));
    for (int i = 0; i < 4; i++) {
      scheduler.release(offer(scheduler, task("evt_" + i, "wh_a", BROKEN)).permit, FAILED);
    }
    assertThat(offer(scheduler, task("evt_5", "wh_a", BROKEN)).heldFor).isNotNull();

    Job moved = offer(scheduler, task("evt_6", "wh_a", HEALTHY));

    assertThat(moved.permit).isNotNull();
  }

  private EndpointScheduler scheduler(int budget, Supplier<Limit> hosts, IntFunction<Limit> lanes) {
    return new EndpointScheduler(
        new EndpointScheduler.Settings(
            Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(10)),
        breakers,
        hosts,
        1,
        lanes,
        Budget.fixed(budget),
        timer,
        nanos::get,
        () -> rooms++);
  }

  private static IntFunction<Limit> aimdLanes(int initial) {
    return ignoredStart ->
        AIMDLimit.newBuilder()
            .initialLimit(initial)
            .minLimit(1)
            .maxLimit(100)
            .backoffRatio(0.5)
            .timeout(20, TimeUnit.SECONDS)
            .build();
  }

  private CircuitBreaker breaker(String webhookId, URI url) {
    return breakers.circuitBreaker(EndpointScheduler.breakerName(webhookId, url.toString()));
  }

  private static Job offer(EndpointScheduler scheduler, DeliveryTask task) {
    return offer(scheduler, task, new ArrayList<>());
  }

  private static Job offer(EndpointScheduler scheduler, DeliveryTask task, List<String> started) {
    Job job = new Job(task, started);
    scheduler.offer(job);
    return job;
  }

  /** Remembers what the scheduler told it. */
  private static final class Job implements EndpointScheduler.Job {
    private final DeliveryTask task;
    private final List<String> started;
    EndpointScheduler.Permit permit;
    String heldFor;
    Duration heldWait;
    boolean released;

    Job(DeliveryTask task, List<String> started) {
      this.task = task;
      this.started = started;
    }

    @Override
    public DeliveryTask task() {
      return task;
    }

    @Override
    public void start(EndpointScheduler.Permit permit) {
      this.permit = permit;
      started.add(task.event().id());
    }

    @Override
    public void hold(String reason, Duration wait) {
      heldFor = reason;
      heldWait = wait;
    }
  }

  private static DeliveryTask task(String eventId, String webhookId, URI url) {
    return DeliveryTask.first(
        event(eventId), TestSubscriptions.subscription(webhookId, url), origin());
  }

  private static Event event(String id) {
    return new Event(
        id, "job.failed", TestSubscriptions.SPACE, null, "{}".getBytes(StandardCharsets.UTF_8));
  }

  private static Origin origin() {
    return new Origin("y42.events.jobs", 0, 1, null, Instant.EPOCH);
  }
}
