package dev.fanout.delivery;

import com.netflix.concurrency.limits.Limit;
import dev.fanout.deadletter.HoldReasons;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides when each delivery attempt goes out, so that a busy endpoint makes its work wait in
 * memory, a failing URL trips only itself, and every host gets the concurrency it can take.
 *
 * <pre>
 *   offer(job) ─► the webhook's lane ─┬─ breaker open ─────────────────────────► hold: circuit_open
 *                                     ├─ cannot start within max-queue-wait ──► hold: endpoint_busy
 *                                     └─ waits in the lane's queue (memory)
 *   per host, while in flight &lt; the host's adaptive limit:
 *     next lane of the host, round robin, that is under its own cap, within its rate limit and
 *     allowed by its breaker ─► job.start(permit)
 *   release(permit, outcome) ─► breaker, lane cap and host limit learn from it; the host starts more
 * </pre>
 *
 * <ul>
 *   <li><b>Hosts</b> (scheme, host, port) have a concurrency limit that adapts (Netflix
 *       concurrency-limits): it grows while latency holds and shrinks on timeouts, 429 and 503.
 *   <li><b>Lanes</b>, one per webhook, have their own circuit breaker and a cap that shrinks on
 *       their own failures, so a black-holed or failing URL holds few of its host's slots and
 *       healthy webhooks on the same host go on. Throttled lanes (a webhook's rate limit) hold no
 *       host slot: the host skips them until the limiter has room.
 *   <li><b>Waiting</b> is bounded by time, not by count: a task waits in memory as long as its lane
 *       will start it within {@code max-queue-wait} at the lane's observed pace (Little's law:
 *       tasks ahead × time per request ÷ requests at once). Beyond that, and only then, it is held
 *       in a retry tier. A lane whose requests stop coming back looks slower every moment; {@link
 *       #maintain} sheds the part of its queue it can no longer serve in time.
 *   <li><b>Fair share</b>: {@link #hasRoomFor} lets a host take at most its share of the in-memory
 *       budget ({@code budget ÷ hosts with work}) while other hosts have work, so a slow host
 *       cannot fill the budget; the records that would exceed it wait in Kafka (their partitions
 *       pause) instead.
 *   <li><b>Bounded state</b>: lanes and hosts idle for {@code idle-timeout} are forgotten.
 * </ul>
 *
 * Every {@link Job} is answered exactly once, with {@link Job#start} or {@link Job#hold}, outside
 * the scheduler's lock; every {@link Permit} must come back once through {@link #release} or {@link
 * #abandon}. Thread-safe: one lock guards all state, held only for bookkeeping.
 */
public final class EndpointScheduler {
  private static final Logger log = LoggerFactory.getLogger(EndpointScheduler.class);
  private static final long MIN_THROTTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
  private static final long EVICTION_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);

  /**
   * A new lane may start a quarter of its host's limit at once: a black-holed URL, whose cap only
   * shrinks once its first requests time out, then holds a quarter of the host at the most, and the
   * cap of a lane that answers grows by one per answer.
   */
  private static final int LANE_START_FRACTION = 4;

  /** A task that wants one attempt. */
  public interface Job {
    DeliveryTask task();

    /** Send now, then give the permit back. */
    void start(Permit permit);

    /** Do not send: hand the task over to be tried after at least {@code wait}. */
    void hold(String reason, Duration wait);
  }

  /** The right to send one request now. */
  public static final class Permit {
    private final Lane lane;
    private final long startNanos;
    private final int hostInFlight;

    private Permit(Lane lane, long startNanos, int hostInFlight) {
      this.lane = lane;
      this.startNanos = startNanos;
      this.hostInFlight = hostInFlight;
    }
  }

  /**
   * @param maxQueueWait longest a task waits in memory for its lane to start it
   * @param breakerWait how long a task is held while its breaker is open (before escalation)
   * @param idleTimeout how long an unused lane or host keeps its state
   */
  public record Settings(Duration maxQueueWait, Duration breakerWait, Duration idleTimeout) {}

  /** What the scheduler holds now, for gauges. */
  public record Snapshot(
      int waiting,
      int inFlight,
      int hosts,
      int lanes,
      Map<CircuitBreaker.State, Integer> breakers,
      List<HostView> busiestHosts) {}

  /** One host's limit and load. */
  public record HostView(String host, int limit, int inFlight, int waiting) {}

  private final Settings settings;
  private final CircuitBreakerRegistry breakers;
  private final Supplier<Limit> hostLimits;
  private final int hostMinLimit;
  private final IntFunction<Limit> laneCaps;
  private final Budget budget;
  private final ScheduledExecutorService timer;
  private final LongSupplier nanos;
  private final Runnable roomChanged;
  private final long maxQueueWaitNanos;

  private final Map<String, Host> hosts = new HashMap<>();
  private final Map<String, Lane> lanes = new HashMap<>();

  /** Lanes replaced by a changed URL, kept until their last task is gone. */
  private final Set<Lane> retired = new LinkedHashSet<>();

  /** Lanes with waiting tasks. */
  private final Set<Lane> queued = new LinkedHashSet<>();

  /** The worker is stopping: lanes that stopped answering start nothing more. */
  private boolean stopping;

  private int hostsWithTasks;
  private int blockingHosts;
  private long lastEvictionNanos;
  private int waiting;
  private int inFlight;

  public EndpointScheduler(
      Settings settings,
      CircuitBreakerRegistry breakers,
      Supplier<Limit> hostLimits,
      int hostMinLimit,
      IntFunction<Limit> laneCaps,
      Budget budget,
      ScheduledExecutorService timer,
      LongSupplier nanos,
      Runnable roomChanged) {
    this.settings = settings;
    this.breakers = breakers;
    this.hostLimits = hostLimits;
    this.hostMinLimit = hostMinLimit;
    this.laneCaps = laneCaps;
    this.budget = budget;
    this.timer = timer;
    this.nanos = nanos;
    this.roomChanged = roomChanged;
    this.maxQueueWaitNanos = settings.maxQueueWait().toNanos();
  }

  /** Queues the job in its lane, starts it if its host has room, or holds it. */
  public void offer(Job job) {
    List<Runnable> actions = new ArrayList<>(2);
    synchronized (this) {
      long now = nanos.getAsLong();
      Lane lane = laneFor(job.task(), now);
      lane.lastActiveNanos = now;
      if (openBreaker(lane)) {
        actions.add(() -> job.hold(HoldReasons.CIRCUIT_OPEN, settings.breakerWait()));
      } else {
        int position = lane.waiting.size() + 1;
        if (stoppedAnswering(lane, now)
            || lane.cannotStartInTime(now, position, maxQueueWaitNanos)) {
          Duration wait = busyWait(lane, now, position);
          actions.add(() -> job.hold(HoldReasons.ENDPOINT_BUSY, wait));
        } else {
          enqueue(lane, job, now);
          pump(lane.host, now, actions);
        }
      }
    }
    run(actions);
  }

  /**
   * Whether these tasks may join the tasks in memory now: no host of theirs holds more than its
   * fair share of the budget while other hosts have work too. A host with nothing in memory, and a
   * lane whose breaker is open (its tasks will be held), never stand in the way.
   */
  public synchronized boolean hasRoomFor(List<DeliveryTask> tasks) {
    int share = share();
    for (DeliveryTask task : tasks) {
      Lane lane = lanes.get(task.subscription().id());
      if (lane != null && lane.breaker.getState() == CircuitBreaker.State.OPEN) {
        continue;
      }
      Host host =
          lane != null && lane.url.equals(task.subscription().url())
              ? lane.host
              : hosts.get(Endpoints.key(task.subscription().url()));
      if (host != null && host.tasks > 0 && host.tasks >= share) {
        if (!host.blocking) {
          host.blocking = true;
          blockingHosts++;
        }
        return false;
      }
    }
    return true;
  }

  /** The attempt ended with {@code outcome}: learn from it, start more. */
  public void release(Permit permit, Outcome outcome) {
    List<Runnable> actions = new ArrayList<>(2);
    synchronized (this) {
      Lane lane = permit.lane;
      ended(lane);
      long now = nanos.getAsLong();
      long rttNanos = Math.max(1, now - permit.startNanos);
      lane.progressNanos = now;
      lane.lastActiveNanos = now;
      lane.recordRtt(rttNanos);
      lane.host.rttNanos = Lane.average(lane.host.rttNanos, rttNanos);
      boolean failure = outcome.endpointFailure();
      lane.timeoutsInARow = OutcomeClassifier.timedOut(outcome) ? lane.timeoutsInARow + 1 : 0;
      CircuitBreaker.State before = lane.breaker.getState();
      if (failure) {
        lane.breaker.onError(rttNanos, TimeUnit.NANOSECONDS, new EndpointFailure(outcome));
      } else {
        lane.breaker.onSuccess(rttNanos, TimeUnit.NANOSECONDS);
      }
      // Transitions are told here rather than by the breaker's event stream, which would build an
      // event object for every single call once anyone listens.
      CircuitBreaker.State after = lane.breaker.getState();
      if (after != before) {
        log.info("webhook {}: circuit {} after {}", lane.webhookId, after, before);
      }
      lane.cap.onSample(permit.startNanos, rttNanos, lane.inFlight + 1, failure);
      lane.host.limit.onSample(
          permit.startNanos, rttNanos, permit.hostInFlight, OutcomeClassifier.overload(outcome));
      afterRelease(lane, now, actions);
    }
    run(actions);
  }

  /** Gives back a permit that sent nothing: nothing is learned from it. */
  public void abandon(Permit permit) {
    List<Runnable> actions = new ArrayList<>(2);
    synchronized (this) {
      Lane lane = permit.lane;
      ended(lane);
      lane.breaker.releasePermission();
      afterRelease(lane, nanos.getAsLong(), actions);
    }
    run(actions);
  }

  /**
   * Sheds what waiting lanes can no longer start within {@code max-queue-wait} (a lane whose
   * requests stopped coming back), and forgets lanes and hosts idle for the idle timeout. Run
   * periodically.
   */
  public void maintain() {
    List<Runnable> actions = new ArrayList<>();
    synchronized (this) {
      long now = nanos.getAsLong();
      for (Lane lane : List.copyOf(queued)) {
        shed(lane, now, actions);
      }
      evictIdle(now);
    }
    run(actions);
  }

  /**
   * The worker is stopping and drains what it started. A lane that has stopped answering, or whose
   * last request timed out, starts nothing more: its waiting tasks are held (written to a retry
   * tier, no attempt used), now or as soon as that is seen, so that no record waits through a
   * request that would only begin to time out when the drain is half over (and, past {@code
   * shutdown.timeout}, be delivered again whole by the next owner). Lanes that answer go on as
   * before.
   */
  public void stopping() {
    List<Runnable> actions = new ArrayList<>();
    synchronized (this) {
      stopping = true;
      long now = nanos.getAsLong();
      for (Lane lane : List.copyOf(queued)) {
        if (stoppedAnswering(lane, now)) {
          holdWaiting(lane, now, actions);
        }
      }
    }
    run(actions);
  }

  /** The tasks in memory at once, waiting or in flight, that hosts share. */
  public Budget budget() {
    return budget;
  }

  /** A host's fair share of the budget now. */
  private int share() {
    return Math.max(1, budget.get() / Math.max(1, hostsWithTasks));
  }

  public synchronized int waiting() {
    return waiting;
  }

  public synchronized Snapshot snapshot(int busiest) {
    Map<CircuitBreaker.State, Integer> states = new EnumMap<>(CircuitBreaker.State.class);
    for (Lane lane : lanes.values()) {
      states.merge(lane.breaker.getState(), 1, Integer::sum);
    }
    List<HostView> top =
        busiest == 0
            ? List.of()
            : hosts.values().stream()
                .sorted(Comparator.comparingInt((Host h) -> h.tasks).reversed())
                .limit(busiest)
                .map(h -> new HostView(h.key, h.currentLimit(), h.inFlight, h.tasks - h.inFlight))
                .toList();
    return new Snapshot(waiting, inFlight, hosts.size(), lanes.size(), states, top);
  }

  private Lane laneFor(DeliveryTask task, long now) {
    var subscription = task.subscription();
    Lane lane = lanes.get(subscription.id());
    if (lane != null && !lane.url.equals(subscription.url())) {
      // A changed URL starts a fresh lane, breaker and all; the old one drains what it holds.
      lanes.remove(lane.webhookId);
      retired.add(lane);
      forgetIfIdle(lane);
      lane = null;
    }
    if (lane == null) {
      lane = newLane(subscription, now);
      lanes.put(subscription.id(), lane);
    }
    Integer rate = subscription.rateLimitPerSecond();
    if (!java.util.Objects.equals(lane.ratePerSecond, rate)) {
      lane.ratePerSecond = rate;
      lane.rateLimiter = rateLimiter(subscription.id(), rate);
    }
    return lane;
  }

  private Lane newLane(dev.fanout.subscription.Subscription subscription, long now) {
    Host host = hosts.computeIfAbsent(Endpoints.key(subscription.url()), this::newHost);
    host.lanes++;
    String webhookId = subscription.id();
    Lane lane =
        new Lane(
            webhookId,
            subscription.url(),
            host,
            breakers.circuitBreaker(breakerName(webhookId, subscription.url().toString())),
            laneCaps.apply(Math.max(1, host.currentLimit() / LANE_START_FRACTION)));
    lane.lastActiveNanos = now;
    lane.progressNanos = now;
    return lane;
  }

  private Host newHost(String key) {
    Limit limit = hostLimits.get();
    limit.notifyOnChange(
        value -> {
          if (log.isDebugEnabled()) {
            log.debug("host {}: concurrency limit {}", key, value);
          }
        });
    return new Host(key, limit, hostMinLimit);
  }

  static String breakerName(String webhookId, String url) {
    return webhookId + "|" + url;
  }

  private static RateLimiter rateLimiter(String webhookId, Integer perSecond) {
    if (perSecond == null) {
      return null;
    }
    return RateLimiter.of(
        webhookId,
        RateLimiterConfig.custom()
            .limitForPeriod(perSecond)
            .limitRefreshPeriod(Duration.ofSeconds(1))
            .timeoutDuration(Duration.ZERO)
            .build());
  }

  /**
   * Whether the lane's breaker is open and its wait not over. Once the wait is over, asking for a
   * permission moves it to half-open; that permission is given back, for the request to take it.
   */
  private static boolean openBreaker(Lane lane) {
    if (lane.breaker.getState() != CircuitBreaker.State.OPEN) {
      return false;
    }
    if (lane.breaker.tryAcquirePermission()) {
      lane.breaker.releasePermission();
      return false;
    }
    return true;
  }

  private void enqueue(Lane lane, Job job, long now) {
    if (lane.waiting.isEmpty()) {
      queued.add(lane);
    }
    lane.waiting.addLast(new Lane.Waiting(job, now));
    waiting++;
    if (lane.host.tasks++ == 0) {
      hostsWithTasks++;
    }
    markReady(lane);
  }

  private Job dequeue(Lane lane, boolean newest) {
    Job job = (newest ? lane.waiting.pollLast() : lane.waiting.pollFirst()).job();
    waiting--;
    if (lane.waiting.isEmpty()) {
      queued.remove(lane);
    }
    return job;
  }

  private void markReady(Lane lane) {
    if (!lane.ready && !lane.waiting.isEmpty()) {
      lane.ready = true;
      lane.host.ready.addLast(lane);
    }
  }

  /** Starts what the host has room for, one lane at a time, round robin. */
  private void pump(Host host, long now, List<Runnable> actions) {
    while (host.inFlight < host.currentLimit()) {
      Lane lane = host.ready.pollFirst();
      if (lane == null) {
        return;
      }
      lane.ready = false;
      if (stoppedAnswering(lane, now)) {
        holdWaiting(lane, now, actions);
        continue;
      }
      if (lane.waiting.isEmpty()
          || lane.inFlight >= Math.max(1, lane.cap.getLimit())
          || lane.throttledUntilNanos - now > 0) {
        continue; // capped lanes come back when a request ends, throttled ones on their timer
      }
      if (!lane.breaker.tryAcquirePermission()) {
        if (lane.breaker.getState() == CircuitBreaker.State.OPEN) {
          holdAll(lane, actions);
        }
        continue; // half-open with its probes out: back when a probe ends
      }
      if (lane.rateLimiter != null && !lane.rateLimiter.acquirePermission()) {
        lane.breaker.releasePermission();
        throttle(lane, now);
        continue;
      }
      Job job = dequeue(lane, false);
      if (lane.inFlight == 0) {
        lane.progressNanos = now;
      }
      lane.inFlight++;
      host.inFlight++;
      inFlight++;
      Permit permit = new Permit(lane, now, host.inFlight);
      actions.add(() -> job.start(permit));
      markReady(lane);
    }
  }

  private void throttle(Lane lane, long now) {
    long wait = Math.max(MIN_THROTTLE_NANOS, (long) (1e9 / lane.ratePerSecond));
    lane.throttledUntilNanos = now + wait;
    try {
      timer.schedule(() -> wake(lane), wait, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException shuttingDown) {
      // The worker is stopping: waiting tasks stay unfinished and are delivered again later.
    }
  }

  private void wake(Lane lane) {
    List<Runnable> actions = new ArrayList<>(2);
    synchronized (this) {
      lane.throttledUntilNanos = 0;
      markReady(lane);
      pump(lane.host, nanos.getAsLong(), actions);
    }
    run(actions);
  }

  private void ended(Lane lane) {
    lane.inFlight--;
    lane.host.inFlight--;
    inFlight--;
    leaveHost(lane.host);
  }

  /**
   * A task leaves its host's share. Once a host that held a record back is under its share again,
   * the loops waiting for room are told (and only then: a signal per task would wake them for
   * nothing thousands of times a second).
   */
  private void leaveHost(Host host) {
    boolean sharesGrew = --host.tasks == 0 && hostsWithTasks-- > 1;
    if (host.blocking && host.tasks < share()) {
      host.blocking = false;
      blockingHosts--;
      roomChanged.run(); // cheap: it only bumps a counter and wakes whoever waits
    } else if (sharesGrew && blockingHosts > 0) {
      roomChanged.run(); // one host fewer with work: every other host's share grew
    }
  }

  private void afterRelease(Lane lane, long now, List<Runnable> actions) {
    if (lane.breaker.getState() == CircuitBreaker.State.OPEN) {
      holdAll(lane, actions);
    } else {
      markReady(lane);
    }
    pump(lane.host, now, actions);
    forgetIfIdle(lane);
  }

  /** Forgets a retired lane once it holds nothing. */
  private void forgetIfIdle(Lane lane) {
    if (lane.waiting.isEmpty() && lane.inFlight == 0 && retired.remove(lane)) {
      forget(lane);
    }
  }

  /** The breaker opened: nothing waiting in the lane will be sent soon. */
  private void holdAll(Lane lane, List<Runnable> actions) {
    while (!lane.waiting.isEmpty()) {
      Job job = dequeue(lane, false);
      leaveHost(lane.host);
      actions.add(() -> job.hold(HoldReasons.CIRCUIT_OPEN, settings.breakerWait()));
    }
  }

  /** Holds the newest waiting tasks of a lane that cannot start them within max-queue-wait. */
  private void shed(Lane lane, long now, List<Runnable> actions) {
    if (openBreaker(lane)) {
      holdAll(lane, actions);
      return;
    }
    if (stoppedAnswering(lane, now)) {
      holdWaiting(lane, now, actions);
      return;
    }
    while (!lane.waiting.isEmpty()
        && lane.cannotStartInTime(now, lane.waiting.size(), maxQueueWaitNanos)) {
      holdNewest(lane, now, actions);
    }
  }

  /**
   * Whether, while the worker stops, the lane is better left alone: it stopped answering, or its
   * last request took the whole request timeout, so another would likely outlast the drain.
   */
  private boolean stoppedAnswering(Lane lane, long now) {
    return stopping && (lane.timeoutsInARow > 0 || lane.stalled(now));
  }

  /** Holds every waiting task of a lane that cannot start them in time, the newest first. */
  private void holdWaiting(Lane lane, long now, List<Runnable> actions) {
    while (!lane.waiting.isEmpty()) {
      holdNewest(lane, now, actions);
    }
  }

  /** Holds the newest waiting task of a lane that cannot start it in time. */
  private void holdNewest(Lane lane, long now, List<Runnable> actions) {
    Duration wait = busyWait(lane, now, lane.waiting.size());
    Job job = dequeue(lane, true);
    leaveHost(lane.host);
    actions.add(() -> job.hold(HoldReasons.ENDPOINT_BUSY, wait));
  }

  /**
   * How long a task the lane cannot start in time is held: its expected wait, at least the maximum
   * queue wait, and at least the breaker's open interval when the lane is stalled.
   */
  private Duration busyWait(Lane lane, long now, int position) {
    long wait = Math.max(maxQueueWaitNanos, lane.expectedWaitNanos(now, position));
    if (lane.stalled(now)) {
      // No answers at all: as good as an open breaker, and held as long, so a black hole's tasks
      // do not come back to find it as silent as before.
      wait = Math.max(wait, settings.breakerWait().toNanos());
    }
    return Duration.ofNanos(wait);
  }

  private void evictIdle(long now) {
    if (now - lastEvictionNanos < EVICTION_INTERVAL_NANOS) {
      return;
    }
    lastEvictionNanos = now;
    List.copyOf(retired).forEach(this::forgetIfIdle);
    long idle = settings.idleTimeout().toNanos();
    Iterator<Lane> it = lanes.values().iterator();
    while (it.hasNext()) {
      Lane lane = it.next();
      if (lane.waiting.isEmpty() && lane.inFlight == 0 && now - lane.lastActiveNanos > idle) {
        it.remove();
        forget(lane);
      }
    }
  }

  private void forget(Lane lane) {
    breakers.remove(breakerName(lane.webhookId, lane.url.toString()));
    Host host = lane.host;
    if (--host.lanes == 0 && host.tasks == 0) {
      hosts.remove(host.key);
    }
  }

  private static void run(List<Runnable> actions) {
    for (Runnable action : actions) {
      action.run();
    }
  }

  /** What the breaker records for an unhealthy answer; its message names only the reason. */
  static final class EndpointFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    EndpointFailure(Outcome outcome) {
      super(outcome instanceof Outcome.Retry r ? r.reason() : "failure", null, false, false);
    }
  }
}
