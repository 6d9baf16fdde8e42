package dev.fanout.fault;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Faults of the consumer group's members, the worker processes: kill -9, SIGTERM, a rolling
 * restart, and members joining and leaving while a failing endpoint's requests are in flight.
 */
final class MemberFaults {
  private static final Duration EXIT = Duration.ofSeconds(45);

  private MemberFaults() {}

  /** (1) kill -9 one of three workers mid-load, then start it again. */
  static ScenarioResult killOneWorker(Scenarios.Scale scale) throws Exception {
    Instant start = Instant.now();
    try (FaultRun run = new FaultRun("kill-9", Scenarios.healthy(), Map.of())) {
      List<WorkerProcess> workers = run.startWorkers(3);
      run.load().start(scale.events(), scale.rate());
      Scenarios.awaitDeliveries(run, scale.events());
      WorkerProcess victim = workers.get(1);
      double inFlight = victim.metric("fanout_inflight_deliveries").orElse(-1);
      double uncommitted = victim.metric("fanout_uncommitted_records").orElse(-1);
      Instant scraped = Instant.now();
      victim.kill();
      Instant faultAt = Instant.now();
      KillExposure exposure = KillExposure.measure(run, victim, faultAt);
      // The two survivors take the killed worker's partitions over and work the load off; only
      // then is it started again. A join while records are in flight would revoke them (eager
      // rebalance) and add duplicates that are not the kill's.
      run.load().awaitAcked(Duration.ofMinutes(5));
      boolean survivorsSettled = run.awaitSettled(Duration.ofSeconds(180));
      run.startWorker().awaitReady(Duration.ofSeconds(120));
      ScenarioResult result =
          Scenarios.finish(
              run,
              "kill-9",
              "kill -9 one of three workers mid-load; the two others take over; the killed one is"
                  + " started again once the load is worked off",
              "SIGKILL of one worker of three",
              faultAt,
              start);
      int duplicates = result.tally().duplicates();
      Map<Integer, Integer> byPartition = Scenarios.duplicatesByPartition(run);
      int inVictimsPartitions =
          exposure.partitions().stream().mapToInt(p -> byPartition.getOrDefault(p, 0)).sum();
      return result
          .note("survivors worked the load off before the restart", survivorsSettled)
          .note("in-flight at kill (fanout_inflight_deliveries)", (long) inFlight)
          .note("uncommitted records at kill (fanout_uncommitted_records)", (long) uncommitted)
          .note("scrape to SIGKILL", Duration.between(scraped, faultAt).toMillis() + " ms")
          .note("partitions of the killed worker", exposure.partitions())
          .note("delivered but uncommitted at kill", exposure.deliveredUncommitted())
          .note("duplicates by partition", byPartition)
          .commonChecks()
          .check(
              "duplicates <= the killed worker's in-flight work at the kill: its uncommitted"
                  + " records (fanout_uncommitted_records) times the webhooks per event",
              uncommitted >= 0 && duplicates <= uncommitted * Scenarios.healthy().size(),
              duplicates
                  + " duplicates, "
                  + (long) uncommitted
                  + " uncommitted records x "
                  + Scenarios.healthy().size()
                  + " webhooks")
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
  static ScenarioResult terminateOneWorker(Scenarios.Scale scale) throws Exception {
    Instant start = Instant.now();
    try (FaultRun run = new FaultRun("sigterm", Scenarios.healthy(), Map.of())) {
      List<WorkerProcess> workers = run.startWorkers(3);
      run.load().start(scale.events(), scale.rate());
      Scenarios.awaitDeliveries(run, scale.events());
      WorkerProcess stopped = workers.get(1);
      var owned = KillExposure.eventPartitions(stopped.log());
      Instant faultAt = Instant.now();
      boolean exited = stopped.terminate(EXIT);
      Duration stopping = Duration.between(faultAt, Instant.now());
      ScenarioResult result =
          Scenarios.finish(
              run,
              "sigterm",
              "SIGTERM one of three workers mid-load",
              "SIGTERM of one worker of three",
              faultAt,
              start);
      return result
          .note("SIGTERM to exit", stopping.toMillis() + " ms")
          .note("partitions of the stopped worker", owned)
          .note("duplicates by partition", Scenarios.duplicatesByPartition(run))
          .commonChecks()
          .check("the worker exits after SIGTERM", exited, exited ? "exited" : "still running")
          .check(
              "zero duplicates after SIGTERM",
              result.tally().duplicates() == 0,
              result.tally().duplicates());
    }
  }

  /** (3) Rolling restart: SIGTERM each of three workers in turn, start its replacement. */
  static ScenarioResult rollingRestart(Scenarios.Scale scale) throws Exception {
    Instant start = Instant.now();
    try (FaultRun run = new FaultRun("rolling-restart", Scenarios.healthy(), Map.of())) {
      List<WorkerProcess> workers = run.startWorkers(3);
      run.load().start(scale.events() * 3, scale.rate());
      Scenarios.awaitDeliveries(run, scale.events());
      Instant faultAt = Instant.now();
      boolean allExited = true;
      for (WorkerProcess w : workers) {
        allExited &= w.terminate(EXIT);
        run.startWorker().awaitReady(Duration.ofSeconds(120));
      }
      Instant lastRestart = Instant.now();
      Scenarios.pause(Duration.ofSeconds(3));
      run.load().stop();
      ScenarioResult result =
          Scenarios.finish(
              run,
              "rolling-restart",
              "rolling restart of all three workers (SIGTERM, wait until the new one is ready,"
                  + " next)",
              "three SIGTERMs, each followed by a new worker",
              faultAt,
              start);
      return result
          .note("restarts took", Duration.between(faultAt, lastRestart).toSeconds() + " s")
          .note("duplicates by partition", Scenarios.duplicatesByPartition(run))
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
  static ScenarioResult membershipChurn(Scenarios.Scale scale) throws Exception {
    Instant start = Instant.now();
    Map<String, Receivers.Behaviour> endpoints = new LinkedHashMap<>();
    endpoints.put("a", Receivers.answering(Receivers.Answer.after(Scenarios.HEALTHY_MILLIS, 200)));
    endpoints.put("b", Receivers.answering(Receivers.Answer.after(Scenarios.HEALTHY_MILLIS, 200)));
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
      Scenarios.awaitDeliveries(run, scale.events() / 2);
      Instant faultAt = Instant.now();
      for (int i = 0; i < 2; i++) {
        WorkerProcess joining = run.startWorker();
        joining.awaitReady(Duration.ofSeconds(120));
        Scenarios.pause(Duration.ofSeconds(5));
        joining.terminate(EXIT);
        Scenarios.pause(Duration.ofSeconds(3));
      }
      run.load().stop();
      ScenarioResult result =
          Scenarios.finish(
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
}
