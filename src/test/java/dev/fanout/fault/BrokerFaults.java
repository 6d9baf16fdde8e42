package dev.fanout.fault;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** Faults of the broker process. */
final class BrokerFaults {
  private BrokerFaults() {}

  /** (5) The broker process stops (SIGTERM) for 30 s mid-load, then starts on the same data. */
  static ScenarioResult brokerOutage(Scenarios.Scale scale) throws Exception {
    Instant start = Instant.now();
    try (FaultRun run = new FaultRun("broker-outage", Scenarios.healthy(), Map.of())) {
      run.startWorkers(3);
      run.load().start(scale.events(), scale.rate());
      Scenarios.awaitDeliveries(run, scale.events());
      Instant faultAt = Instant.now();
      run.broker().stop();
      Scenarios.pause(Duration.ofSeconds(30));
      run.broker().startAgain();
      Instant back = Instant.now();
      boolean allAlive = run.liveWorkers().size() == 3;
      ScenarioResult result =
          Scenarios.finish(
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
}
