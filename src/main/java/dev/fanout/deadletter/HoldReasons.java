package dev.fanout.deadletter;

import java.util.Set;

/**
 * Why a task was handed to a retry tier without using up an attempt (a "hold"): a closed set, the
 * values of {@code fanout_held_total{reason}} and of {@code hold} records in delivery history. A
 * held task is not a dead letter; these sit beside {@link Reasons} so that every reason a task can
 * leave the engine with is listed in this package.
 */
public final class HoldReasons {
  /** The endpoint's circuit breaker is open: the task waits out the breaker. */
  public static final String CIRCUIT_OPEN = "circuit_open";

  /** The endpoint could not start the task within {@code delivery.max-queue-wait}. */
  public static final String ENDPOINT_BUSY = "endpoint_busy";

  public static final Set<String> ALL = Set.of(CIRCUIT_OPEN, ENDPOINT_BUSY);

  private HoldReasons() {}
}
