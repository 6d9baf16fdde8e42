package dev.fanout.fault;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the fault scenarios share. Each scenario ({@link MemberFaults}, {@link BrokerFaults}, {@link
 * EndpointFaults}, {@link PoisonScenario}, {@link Soak}) starts its own {@link FaultRun} (broker,
 * three workers, receivers), writes a steady load, injects its fault while the load is being worked
 * on, waits (bounded) for everything to settle, stops the workers with SIGTERM, and counts. The
 * limits of every check come from the set-up, never from the counts being checked.
 */
final class Scenarios {
  /** How much load: events written per second, for how long. */
  record Scale(int rate, int seconds) {
    int events() {
      return rate * seconds;
    }

    static Scale ci() {
      return new Scale(80, 20);
    }

    static Scale full() {
      return new Scale(120, 30);
    }
  }

  private static final Duration SETTLE = Duration.ofSeconds(180);
  static final long HEALTHY_MILLIS = 100;

  private Scenarios() {}

  /**
   * Three endpoints that answer 200 after 100 ms, a common latency for a webhook receiver: at any
   * moment some requests are in flight, which is what faults of the workers put at risk.
   */
  static Map<String, Receivers.Behaviour> healthy() {
    Map<String, Receivers.Behaviour> endpoints = new LinkedHashMap<>();
    for (String name : List.of("a", "b", "c")) {
      endpoints.put(name, Receivers.answering(Receivers.Answer.after(HEALTHY_MILLIS, 200)));
    }
    return endpoints;
  }

  /**
   * Ends a run: stops the load, waits (bounded) until everything settled, stops the workers with
   * SIGTERM and counts.
   */
  static ScenarioResult finish(
      FaultRun run, String name, String title, String fault, Instant faultAt, Instant start)
      throws Exception {
    run.load().awaitAcked(Duration.ofMinutes(5));
    boolean settled = run.awaitSettled(SETTLE);
    run.stopWorkers();
    Tally tally = run.tally();
    ScenarioResult result =
        new ScenarioResult(
            name, title, fault, tally, faultAt, Duration.between(start, Instant.now()), settled);
    if (!run.overrides().isEmpty()) {
      result.note("settings of this scenario", run.overrides());
    }
    if (run.load().failed() > 0) {
      result.note("events the broker refused", run.load().failed());
    }
    result.note("unexpected pairs", tally.unexpected());
    result.note("delivered and also dead-lettered", tally.deliveredAndDeadLettered());
    result.note("requests received", run.ledger().requests());
    Map<String, Integer> reasons = new TreeMap<>();
    run.lastDeadLetters().forEach(d -> reasons.merge(String.valueOf(d.reason()), 1, Integer::sum));
    if (!reasons.isEmpty()) {
      result.note("dead-letter records by reason", reasons);
    }
    return result;
  }

  /** Duplicates (deliveries beyond the first) per event partition, for the report. */
  static Map<Integer, Integer> duplicatesByPartition(FaultRun run) {
    Map<Integer, Integer> byPartition = new TreeMap<>();
    for (EventLoad.Produced p : run.load().produced()) {
      for (String endpoint : run.endpoints()) {
        DeliveryLedger.Entry e =
            run.ledger()
                .get(new DeliveryLedger.Pair(p.id(), FaultRun.webhookId(p.space(), endpoint)));
        if (e != null && e.deliveries > 1) {
          byPartition.merge(p.partition(), e.deliveries - 1, Integer::sum);
        }
      }
    }
    return byPartition;
  }

  /** Waits until a third of the pairs of {@code events} events have been delivered. */
  static void awaitDeliveries(FaultRun run, int events) {
    long target = (long) events * run.endpoints().size() / 3;
    Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
    while (run.ledger().deliveries() < target) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("deliveries did not start: see " + run.dir());
      }
      pause(Duration.ofMillis(100));
    }
  }

  static void pause(Duration duration) {
    WorkerProcess.pause(duration);
  }
}
