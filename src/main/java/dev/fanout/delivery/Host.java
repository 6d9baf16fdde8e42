package dev.fanout.delivery;

import com.netflix.concurrency.limits.Limit;
import java.util.ArrayDeque;

/**
 * One receiving host (scheme, host, port): its adaptive concurrency limit, the requests in flight
 * to it, and the round-robin ring of its webhooks' lanes that have work to start. Guarded by the
 * {@link EndpointScheduler}'s lock.
 */
final class Host {
  final String key;
  final Limit limit;
  private final int minLimit;

  /** Lanes with waiting tasks that may start one now; each appears once. */
  final ArrayDeque<Lane> ready = new ArrayDeque<>();

  int inFlight;

  /** Average round trip of recent attempts to any lane of the host; 0 before the first. */
  long rttNanos;

  /** Tasks of this host in memory: waiting in its lanes or in flight. */
  int tasks;

  int lanes;

  /** A record was held back because this host had its fair share: say so when it has less. */
  boolean blocking;

  Host(String key, Limit limit, int minLimit) {
    this.key = key;
    this.limit = limit;
    this.minLimit = minLimit;
  }

  /** Requests this host may have in flight now. */
  int currentLimit() {
    return Math.max(minLimit, limit.getLimit());
  }
}
