package dev.fanout.fault;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The fault scenarios. Each starts its own {@link FaultRun} (broker, three workers, receivers),
 * writes a steady load, injects its fault while the load is being worked on, waits (bounded) for
 * everything to settle, stops the workers with SIGTERM, and counts. The limits of every check come
 * from the set-up, never from the counts being checked.
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

  private static final Duration EXIT = Duration.ofSeconds(45);
  private static final Duration SETTLE = Duration.ofSeconds(180);

  private Scenarios() {}

  /** Three endpoints that answer 200 after 20 ms. */
  static Map<String, Receivers.Behaviour> healthy() {
    Map<String, Receivers.Behaviour> endpoints = new LinkedHashMap<>();
    for (String name : List.of("a", "b", "c")) {
      endpoints.put(name, Receivers.answering(Receivers.Answer.after(20, 200)));
    }
    return endpoints;
  }

  /** (1) kill -9 one of three workers mid-load, then start it again. */
  static ScenarioResult killOneWorker(Scale scale) throws Exception {
    Instant start = Instant.now();
    try (FaultRun run = new FaultRun("kill-9", healthy(), Map.of())) {
      List<WorkerProcess> workers = run.startWorkers(3);
      run.load().start(scale.events(), scale.rate());
      awaitDeliveries(run, scale.events());
      WorkerProcess victim = workers.get(1);
      double inFlight = victim.metric("fanout_inflight_deliveries").orElse(-1);
      Instant scraped = Instant.now();
      victim.kill();
      Instant faultAt = Instant.now();
      KillExposure exposure = KillExposure.measure(run, victim, faultAt);
      pause(Duration.ofSeconds(5));
      run.startWorker().awaitReady(Duration.ofSeconds(120));
      ScenarioResult result =
          finish(
              run,
              "kill-9",
              "kill -9 one of three workers mid-load, restart it 5 s later",
              "SIGKILL of one worker of three",
              faultAt,
              start);
      int duplicates = result.tally().duplicates();
      Map<Integer, Integer> byPartition = duplicatesByPartition(run);
      int inVictimsPartitions =
          exposure.partitions().stream().mapToInt(p -> byPartition.getOrDefault(p, 0)).sum();
      return result
          .note("in-flight at kill (fanout_inflight_deliveries)", (long) inFlight)
          .note("scrape to SIGKILL", Duration.between(scraped, faultAt).toMillis() + " ms")
          .note("partitions of the killed worker", exposure.partitions())
          .note("delivered but uncommitted at kill", exposure.deliveredUncommitted())
          .note("duplicates by partition", byPartition)
          .commonChecks()
          .check(
              "duplicates <= killed worker's in-flight deliveries at the kill",
              inFlight >= 0 && duplicates <= inFlight,
              duplicates + " duplicates, " + (long) inFlight + " in flight")
          .check(
              "duplicates in the killed worker's partitions <= its delivered-but-uncommitted work"
                  + " at the kill",
              inVictimsPartitions <= exposure.deliveredUncommitted(),
              inVictimsPartitions
                  + " duplicates there, "
                  + exposure.deliveredUncommitted()
                  + " delivered but uncommitted");
    }
  }

  /** (2) SIGTERM one of three workers mid-load; it is not replaced. */
  static ScenarioResult terminateOneWorker(Scale scale) throws Exception {
    Instant start = Instant.now();
    try (FaultRun run = new FaultRun("sigterm", healthy(), Map.of())) {
      List<WorkerProcess> workers = run.startWorkers(3);
      run.load().start(scale.events(), scale.rate());
      awaitDeliveries(run, scale.events());
      Instant faultAt = Instant.now();
      WorkerProcess stopped = workers.get(1);
      boolean exited = stopped.terminate(EXIT);
      Duration stopping = Duration.between(faultAt, Instant.now());
      var owned = KillExposure.eventPartitions(stopped.log());
      ScenarioResult result =
          finish(
              run,
              "sigterm",
              "SIGTERM one of three workers mid-load",
              "SIGTERM of one worker of three",
              faultAt,
              start);
      return result
          .note("SIGTERM to exit", stopping.toMillis() + " ms")
          .note("partitions of the stopped worker", owned)
          .note("duplicates by partition", duplicatesByPartition(run))
          .commonChecks()
          .check("the worker exits after SIGTERM", exited, exited ? "exited" : "still running")
          .check(
              "zero duplicates after SIGTERM",
              result.tally().duplicates() == 0,
              result.tally().duplicates());
    }
  }

  /** (3) Rolling restart: SIGTERM each of three workers in turn, start its replacement. */
  static ScenarioResult rollingRestart(Scale scale) throws Exception {
    Instant start = Instant.now();
    try (FaultRun run = new FaultRun("rolling-restart", healthy(), Map.of())) {
      List<WorkerProcess> workers = run.startWorkers(3);
      run.load().start(scale.events() * 3, scale.rate());
      awaitDeliveries(run, scale.events());
      Instant faultAt = Instant.now();
      boolean allExited = true;
      for (WorkerProcess w : workers) {
        allExited &= w.terminate(EXIT);
        run.startWorker().awaitReady(Duration.ofSeconds(120));
      }
      Instant lastRestart = Instant.now();
      pause(Duration.ofSeconds(3));
      run.load().stop();
      ScenarioResult result =
          finish(
              run,
              "rolling-restart",
              "rolling restart of all three workers (SIGTERM, wait until the new one is ready,"
                  + " next)",
              "three SIGTERMs, each followed by a new worker",
              faultAt,
              start);
      return result
          .note("restarts took", Duration.between(faultAt, lastRestart).toSeconds() + " s")
          .note("duplicates by partition", duplicatesByPartition(run))
          .commonChecks()
          .check("every worker exits after SIGTERM", allExited, allExited)
          .check(
              "zero duplicates after a rolling restart",
              result.tally().duplicates() == 0,
              result.tally().duplicates());
    }
  }

  /**
   * (4) Members join and leave while requests to a failing endpoint (500 after 2 s) are in flight:
   * a fourth worker joins, leaves (SIGTERM), a fifth joins and leaves.
   */
  static ScenarioResult membershipChurn(Scale scale) throws Exception {
    Instant start = Instant.now();
    Map<String, Receivers.Behaviour> endpoints = new LinkedHashMap<>();
    endpoints.put("a", Receivers.answering(Receivers.Answer.after(20, 200)));
    endpoints.put("b", Receivers.answering(Receivers.Answer.after(20, 200)));
    endpoints.put("failing", Receivers.answering(Receivers.Answer.after(2000, 500)));
    Map<String, String> settings =
        Map.of(
            "retry.schedule", "1s,2s",
            "breaker.wait-in-open", "2s",
            "retry.max-hold", "4s",
            "retry.max-age", "30s");
    try (FaultRun run = new FaultRun("membership-churn", endpoints, settings)) {
      run.startWorkers(3);
      int rate = Math.max(10, scale.rate() / 2);
      run.load().start(scale.events() * 3, rate);
      awaitDeliveries(run, scale.events() / 2);
      Instant faultAt = Instant.now();
      for (int i = 0; i < 2; i++) {
        WorkerProcess joining = run.startWorker();
        joining.awaitReady(Duration.ofSeconds(120));
        pause(Duration.ofSeconds(5));
        joining.terminate(EXIT);
        pause(Duration.ofSeconds(3));
      }
      run.load().stop();
      ScenarioResult result =
          finish(
              run,
              "membership-churn",
              "a 4th worker joins and leaves twice while a failing endpoint's requests (500 after"
                  + " 2 s) are in flight",
              "two joins and two leaves (SIGTERM) of a fourth member",
              faultAt,
              start);
      return result
          .note("failing endpoint", "answers 500 after 2 s; retry.schedule=1s,2s, max-age 30s")
          .commonChecks();
    }
  }

  /** (5) The broker process stops (SIGTERM) for 30 s mid-load, then starts on the same data. */
  static ScenarioResult brokerOutage(Scale scale) throws Exception {
    Instant start = Instant.now();
    try (FaultRun run = new FaultRun("broker-outage", healthy(), Map.of())) {
      run.startWorkers(3);
      run.load().start(scale.events(), scale.rate());
      awaitDeliveries(run, scale.events());
      Instant faultAt = Instant.now();
      run.broker().stop();
      pause(Duration.ofSeconds(30));
      run.broker().startAgain();
      Instant back = Instant.now();
      boolean allAlive = run.liveWorkers().size() == 3;
      ScenarioResult result =
          finish(
              run,
              "broker-outage",
              "the broker process stopped for 30 s mid-load, then started again (same data, same"
                  + " port)",
              "broker SIGTERM, 30 s down, restart",
              faultAt,
              start);
      return result
          .note("broker down for", Duration.between(faultAt, back).toSeconds() + " s")
          .commonChecks()
          .check("no worker exits while the broker is away", allAlive, allAlive);
    }
  }

  /** (6a) An endpoint fails every request for 15 s, then heals. */
  static ScenarioResult failingThenHealing(Scale scale) throws Exception {
    Instant start = Instant.now();
    AtomicBoolean failing = new AtomicBoolean(false);
    Map<String, Receivers.Behaviour> endpoints = new LinkedHashMap<>();
    endpoints.put("ok", Receivers.answering(Receivers.Answer.after(20, 200)));
    endpoints.put("healing", (n, elapsed) -> Receivers.Answer.after(20, failing.get() ? 500 : 200));
    Map<String, String> settings =
        Map.of(
            "retry.schedule", "1s,2s,4s,8s,16s",
            "breaker.wait-in-open", "2s",
            "retry.max-hold", "8s");
    try (FaultRun run = new FaultRun("failing-then-healing", endpoints, settings)) {
      run.startWorkers(3);
      failing.set(true);
      Instant faultAt = Instant.now();
      run.load().start(scale.events() / 2, scale.rate() / 2);
      pause(Duration.ofSeconds(15));
      failing.set(false);
      ScenarioResult result =
          finish(
              run,
              "failing-then-healing",
              "one endpoint answers 500 to every request for 15 s, then 200",
              "endpoint failing for 15 s from the start of the load",
              faultAt,
              start);
      Tally healing = run.lastTally(p -> p.webhookId().endsWith("_healing"));
      return result
          .commonChecks()
          .check(
              "every pair of the healed endpoint delivered (retries outlast the failure)",
              healing.delivered() == healing.pairs(),
              healing.delivered() + " of " + healing.pairs());
    }
  }

  /** (6b) An endpoint takes 5 s to answer each request. */
  static ScenarioResult slowEndpoint(Scale scale) throws Exception {
    Instant start = Instant.now();
    Map<String, Receivers.Behaviour> endpoints = new LinkedHashMap<>();
    endpoints.put("ok", Receivers.answering(Receivers.Answer.after(20, 200)));
    endpoints.put("slow", Receivers.answering(Receivers.Answer.after(5000, 200)));
    try (FaultRun run =
        new FaultRun(
            "slow-endpoint",
            endpoints,
            Map.of("breaker.wait-in-open", "2s", "retry.max-hold", "8s"))) {
      run.startWorkers(3);
      Instant faultAt = Instant.now();
      run.load().start(scale.events() / 4, scale.rate() / 4);
      ScenarioResult result =
          finish(
              run,
              "slow-endpoint",
              "one endpoint takes 5 s to answer every request",
              "5 s per request on one endpoint, from the start of the load",
              faultAt,
              start);
      Tally slow = run.lastTally(p -> p.webhookId().endsWith("_slow"));
      Tally ok = run.lastTally(p -> p.webhookId().endsWith("_ok"));
      return result
          .note(
              "healthy endpoint's pairs all resolved after",
              ok.resolvedAt() == null
                  ? "-"
                  : Duration.between(faultAt, ok.resolvedAt()).toMillis() / 1000.0 + " s")
          .commonChecks()
          .check(
              "every pair of the slow endpoint delivered (slow is not broken)",
              slow.delivered() == slow.pairs(),
              slow.delivered() + " of " + slow.pairs());
    }
  }

  /** (6c) An endpoint resets every connection instead of answering. */
  static ScenarioResult resettingEndpoint(Scale scale) throws Exception {
    Instant start = Instant.now();
    Map<String, Receivers.Behaviour> endpoints = new LinkedHashMap<>();
    endpoints.put("ok", Receivers.answering(Receivers.Answer.after(20, 200)));
    endpoints.put("reset", Receivers.answering(Receivers.Answer.resetConnection()));
    Map<String, String> settings =
        Map.of(
            "retry.schedule", "1s,2s",
            "breaker.wait-in-open", "2s",
            "retry.max-hold", "4s",
            "retry.max-age", "20s");
    try (FaultRun run = new FaultRun("resetting-endpoint", endpoints, settings)) {
      run.startWorkers(3);
      Instant faultAt = Instant.now();
      run.load().start(scale.events() / 4, scale.rate() / 4);
      ScenarioResult result =
          finish(
              run,
              "resetting-endpoint",
              "one endpoint resets every connection (TCP RST) instead of answering",
              "RST on every request to one endpoint, from the start of the load",
              faultAt,
              start);
      Tally reset = run.lastTally(p -> p.webhookId().endsWith("_reset"));
      Tally ok = run.lastTally(p -> p.webhookId().endsWith("_ok"));
      return result
          .commonChecks()
          .check(
              "every pair of the resetting endpoint dead-lettered",
              reset.deadLettered() == reset.pairs(),
              reset.deadLettered() + " of " + reset.pairs())
          .check(
              "every pair of the healthy endpoint delivered",
              ok.delivered() == ok.pairs(),
              ok.delivered() + " of " + ok.pairs());
    }
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
    Map<String, Integer> reasons = new java.util.TreeMap<>();
    run.lastDeadLetters().forEach(d -> reasons.merge(String.valueOf(d.reason()), 1, Integer::sum));
    if (!reasons.isEmpty()) {
      result.note("dead-letter records by reason", reasons);
    }
    return result;
  }

  /** Duplicates (deliveries beyond the first) per event partition, for the report. */
  static Map<Integer, Integer> duplicatesByPartition(FaultRun run) {
    Map<Integer, Integer> byPartition = new java.util.TreeMap<>();
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
