package dev.fanout.delivery;

import com.netflix.concurrency.limits.Limit;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.ratelimiter.RateLimiter;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One webhook's way to its host: its own circuit breaker, its own concurrency cap (which shrinks
 * when its requests fail or time out, so a black-holed URL cannot take its host's slots), its rate
 * limit, and the tasks waiting for a slot. Trouble of one URL stays in its lane; healthy webhooks
 * on the same host keep their throughput. Guarded by the {@link EndpointScheduler}'s lock.
 */
final class Lane {
  /** Weight of the newest sample in the round-trip average. */
  private static final double RTT_WEIGHT = 0.2;

  /** The shortest silence that makes a lane with requests out look stalled. */
  private static final long MIN_STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

  /** The silence that makes a lane look stalled before anything on its host has answered. */
  private static final long FIRST_STALL_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** Timeouts in a row after which the lane is taken as not answering. */
  private static final int TIMEOUTS_OF_A_STALL = 2;

  /** A task waiting for its turn, and since when. */
  record Waiting(EndpointScheduler.Job job, long sinceNanos) {}

  final String webhookId;
  final URI url;
  final Host host;
  final CircuitBreaker breaker;
  final Limit cap;
  RateLimiter rateLimiter;
  Integer ratePerSecond;
  final ArrayDeque<Waiting> waiting = new ArrayDeque<>();

  int inFlight;
  boolean ready;
  long throttledUntilNanos;
  long lastActiveNanos;

  /** Average round trip of recent attempts; 0 before the first. */
  long rttNanos;

  /** Last time the lane made progress: an attempt ended, or it started sending from idle. */
  long progressNanos;

  /** Attempts that timed out since the last one that did not. */
  int timeoutsInARow;

  Lane(String webhookId, URI url, Host host, CircuitBreaker breaker, Limit cap) {
    this.webhookId = webhookId;
    this.url = url;
    this.host = host;
    this.breaker = breaker;
    this.cap = cap;
  }

  void recordRtt(long nanos) {
    rttNanos = average(rttNanos, nanos);
  }

  static long average(long average, long sample) {
    return average == 0 ? sample : (long) (average * (1 - RTT_WEIGHT) + sample * RTT_WEIGHT);
  }

  /**
   * Whether the endpoint does not answer: its last attempts timed out, or requests are out and none
   * has come back for much longer than they take here (four round trips, at least 250 ms; 1 s while
   * nothing on the host has answered yet), which shows a black hole long before its first timeout.
   */
  boolean stalled(long now) {
    if (timeoutsInARow >= TIMEOUTS_OF_A_STALL) {
      return true;
    }
    if (inFlight == 0) {
      return false;
    }
    long rtt = rttNanos > 0 ? rttNanos : host.rttNanos;
    long patience = rtt > 0 ? Math.max(MIN_STALL_NANOS, 4 * rtt) : FIRST_STALL_NANOS;
    return now - progressNanos > patience;
  }

  /**
   * Whether the task at {@code position} of the queue cannot start within {@code maxWaitNanos}, on
   * evidence rather than a guess: a rate limit that allows fewer, or a lane that is stalled or
   * whose oldest waiting task has already waited that long, and whose pace says it will not. A lane
   * that is merely busy, or just starting, is never judged so.
   */
  boolean cannotStartInTime(long now, int position, long maxWaitNanos) {
    if (ratePerSecond != null && position * 1e9 / ratePerSecond > maxWaitNanos) {
      return true;
    }
    boolean evidence = stalled(now) || headWaitedNanos(now) > maxWaitNanos;
    return evidence && expectedWaitNanos(now, position) > maxWaitNanos;
  }

  private long headWaitedNanos(long now) {
    Waiting head = waiting.peekFirst();
    return head == null ? 0 : now - head.sinceNanos();
  }

  /**
   * How long one request of this lane takes, as far as can be told at {@code now}: the recent
   * average, or longer while requests are out and none has ended for a while (a black hole shows
   * here long before its first timeout). 0 when nothing is known yet.
   */
  long serviceNanos(long now) {
    if (inFlight == 0) {
      return rttNanos;
    }
    return Math.max(rttNanos, now - progressNanos);
  }

  /** Requests the lane may have in flight: its own cap, within its host's limit. */
  int concurrency() {
    return Math.max(1, Math.min(cap.getLimit(), host.currentLimit()));
  }

  /**
   * How long the task at {@code position} in the queue (1 = next) would wait to start, at the
   * lane's current pace, by Little's law: the tasks ahead of it beyond the free slots × time per
   * request ÷ requests at once. A rate limit puts its own floor under it. 0 when the pace is not
   * known yet.
   */
  long expectedWaitNanos(long now, int position) {
    int ahead = position - Math.max(0, concurrency() - inFlight);
    long byPace = ahead <= 0 ? 0 : (long) ((double) ahead * serviceNanos(now) / concurrency());
    if (ratePerSecond == null) {
      return byPace;
    }
    return Math.max(byPace, (long) (position * 1e9 / ratePerSecond));
  }
}
