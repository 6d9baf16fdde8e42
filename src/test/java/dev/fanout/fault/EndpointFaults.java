package dev.fanout.fault;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Faults of the webhook endpoints: one that fails for a while and heals, one that takes 5 s per
 * request, one that resets every connection. A healthy endpoint runs beside each.
 */
final class EndpointFaults {
  private EndpointFaults() {}

  /** (6a) An endpoint fails every request for 15 s, then heals. */
  static ScenarioResult failingThenHealing(Scenarios.Scale scale) throws Exception {
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
      Scenarios.pause(Duration.ofSeconds(15));
      failing.set(false);
      ScenarioResult result =
          Scenarios.finish(
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
  static ScenarioResult slowEndpoint(Scenarios.Scale scale) throws Exception {
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
          Scenarios.finish(
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
  static ScenarioResult resettingEndpoint(Scenarios.Scale scale) throws Exception {
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
          Scenarios.finish(
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
}
