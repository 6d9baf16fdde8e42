package dev.fanout.fault;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the fault scenarios one after another and writes {@code docs/reliability.md} from what they
 * measured. Run by {@code src/test/fault/run-faults.sh}:
 *
 * <pre>
 *   FaultSuite [--scale ci|full] [--soak 30m] [--only NAME,...] [--report docs/reliability.md]
 * </pre>
 *
 * {@code --only soak --soak 30m} runs the soak alone.
 *
 * <p>Exits 1 when any pass criterion failed (the report says which), 0 otherwise.
 */
public final class FaultSuite {
  /** A scenario by name. */
  interface Scenario {
    ScenarioResult run(Scenarios.Scale scale) throws Exception;
  }

  static Map<String, Scenario> all() {
    Map<String, Scenario> all = new LinkedHashMap<>();
    all.put("kill-9", MemberFaults::killOneWorker);
    all.put("sigterm", MemberFaults::terminateOneWorker);
    all.put("rolling-restart", MemberFaults::rollingRestart);
    all.put("membership-churn", MemberFaults::membershipChurn);
    all.put("broker-outage", BrokerFaults::brokerOutage);
    all.put("failing-then-healing", EndpointFaults::failingThenHealing);
    all.put("slow-endpoint", EndpointFaults::slowEndpoint);
    all.put("resetting-endpoint", EndpointFaults::resettingEndpoint);
    all.put("poison", PoisonScenario::run);
    return all;
  }

  public static void main(String[] args) throws Exception {
    Scenarios.Scale scale = Scenarios.Scale.full();
    Duration soak = null;
    List<String> only = null;
    Path report = Path.of("docs", "reliability.md");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--scale" -> scale = args[++i].equals("ci") ? Scenarios.Scale.ci() : scale;
        case "--soak" -> soak = dev.fanout.config.Durations.parse(args[++i]);
        case "--only" -> only = List.of(args[++i].split(","));
        case "--report" -> report = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Instant started = Instant.now();
    List<ScenarioResult> results = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (Map.Entry<String, Scenario> e : all().entrySet()) {
      if (only != null && !only.contains(e.getKey())) {
        continue;
      }
      System.out.println("== " + e.getKey());
      try {
        ScenarioResult result = e.getValue().run(scale);
        System.out.println(result);
        results.add(result);
      } catch (Exception | AssertionError failure) {
        failure.printStackTrace();
        errors.add(e.getKey() + ": " + failure);
      }
    }
    if (soak != null) {
      System.out.println("== soak " + soak);
      try {
        ScenarioResult result = Soak.run(soak, scale);
        System.out.println(result);
        results.add(result);
      } catch (Exception failure) {
        failure.printStackTrace();
        errors.add("soak: " + failure);
      }
    }
    ReliabilityReport.write(report, results, errors, scale, started);
    System.out.println("wrote " + report);
    boolean passed = errors.isEmpty() && results.stream().allMatch(ScenarioResult::passed);
    System.exit(passed ? 0 : 1);
  }
}
