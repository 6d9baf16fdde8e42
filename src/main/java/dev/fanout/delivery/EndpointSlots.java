package dev.fanout.delivery;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * At most {@code perEndpoint} requests in flight to one endpoint, and at most as many more waiting
 * for a slot in memory. A task that finds both full is not queued: the caller holds it in a retry
 * tier instead. So a slow or black-holed endpoint ties up at most {@code 2 × perEndpoint} of the
 * worker's in-flight budget, while a busy healthy one keeps a short queue and loses no throughput.
 *
 * <p>A slot freed by {@link #release} goes straight to the oldest waiting task, which is started on
 * the given executor. Thread-safe.
 */
public final class EndpointSlots {
  /** What {@link #acquire} did with a task. */
  public enum Result {
    /** A slot is the caller's: start now, then {@link #release}. */
    ACQUIRED,
    /** The task waits; it is started on the executor, with a slot, when one frees. */
    QUEUED,
    /** No slot and no room to wait: hold the task elsewhere. */
    FULL
  }

  private static final class Endpoint {
    int inFlight;
    final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  }

  private final int perEndpoint;
  private final Executor executor;
  private final Map<String, Endpoint> endpoints = new HashMap<>();

  public EndpointSlots(int perEndpoint, Executor executor) {
    this.perEndpoint = perEndpoint;
    this.executor = executor;
  }

  public synchronized Result acquire(String endpoint, Runnable startWhenQueued) {
    Endpoint e = endpoints.computeIfAbsent(endpoint, k -> new Endpoint());
    if (e.inFlight < perEndpoint) {
      e.inFlight++;
      return Result.ACQUIRED;
    }
    if (e.waiting.size() < perEndpoint) {
      e.waiting.addLast(startWhenQueued);
      return Result.QUEUED;
    }
    return Result.FULL;
  }

  /** Frees a slot: it passes to the oldest waiting task, if any. */
  public void release(String endpoint) {
    Runnable next;
    synchronized (this) {
      Endpoint e = endpoints.get(endpoint);
      next = e.waiting.pollFirst();
      if (next == null) {
        e.inFlight--;
        if (e.inFlight == 0) {
          endpoints.remove(endpoint);
        }
      }
    }
    if (next != null) {
      try {
        executor.execute(next);
      } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
        // The worker is stopping: the waiting task stays unfinished and is delivered again by the
        // next owner of its partition.
      }
    }
  }

  /** Requests in flight to an endpoint (for tests and metrics). */
  public synchronized int inFlight(String endpoint) {
    Endpoint e = endpoints.get(endpoint);
    return e == null ? 0 : e.inFlight;
  }
}
