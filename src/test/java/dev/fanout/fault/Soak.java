package dev.fanout.fault;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A long run under steady load with a fault every two minutes, in turn: kill -9 of a worker (then a
 * new one), SIGTERM of a worker (then a new one), a fourth member joining and leaving. One of three
 * endpoints fails every tenth request with 500, so retries run all along.
 */
final class Soak {
  private static final Duration EVERY = Duration.ofMinutes(2);

  private Soak() {}

  static ScenarioResult run(Duration length, Scenarios.Scale scale) throws Exception {
    Instant start = Instant.now();
    Map<String, Receivers.Behaviour> endpoints = new LinkedHashMap<>();
    endpoints.put("a", Receivers.answering(Receivers.Answer.after(Scenarios.HEALTHY_MILLIS, 200)));
    endpoints.put("b", Receivers.answering(Receivers.Answer.after(Scenarios.HEALTHY_MILLIS, 200)));
    endpoints.put(
        "flaky",
        (n, elapsed) -> Receivers.Answer.after(Scenarios.HEALTHY_MILLIS, n % 10 == 0 ? 500 : 200));
    try (FaultRun run = new FaultRun("soak", endpoints, Map.of("retry.schedule", "1s,5s,30s"))) {
      run.startWorkers(3);
      int rate = Math.max(10, scale.rate() / 2);
      run.load().start((int) Math.min(Integer.MAX_VALUE, rate * length.toSeconds()), rate);
      Instant end = start.plus(length);
      List<String> faults = new ArrayList<>();
      Instant lastFault = null;
      int n = 0;
      while (Instant.now().plus(EVERY).isBefore(end)) {
        Scenarios.pause(EVERY);
        lastFault = Instant.now();
        List<WorkerProcess> live = run.liveWorkers();
        WorkerProcess target = live.get(n % live.size());
        switch (n++ % 3) {
          case 0 -> {
            target.kill();
            run.startWorker().awaitReady(Duration.ofSeconds(120));
            faults.add("kill -9");
          }
          case 1 -> {
            target.terminate(Duration.ofSeconds(45));
            run.startWorker().awaitReady(Duration.ofSeconds(120));
            faults.add("SIGTERM");
          }
          default -> {
            WorkerProcess extra = run.startWorker();
            extra.awaitReady(Duration.ofSeconds(120));
            Scenarios.pause(Duration.ofSeconds(10));
            extra.terminate(Duration.ofSeconds(45));
            faults.add("join+leave");
          }
        }
        System.out.printf("soak: %s at %s%n", faults.get(faults.size() - 1), lastFault);
      }
      ScenarioResult result =
          Scenarios.finish(
              run,
              "soak",
              "soak: " + length.toMinutes() + " min of steady load with a fault every 2 min",
              faults.size() + " faults: " + String.join(", ", faults),
              lastFault,
              start);
      return result.note("load", rate + " events/s").commonChecks();
    }
  }
}
