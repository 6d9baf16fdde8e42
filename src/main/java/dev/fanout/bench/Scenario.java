package dev.fanout.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A named topology users have, as the flags that make it. Flags given on the command line override
 * a scenario's. A scenario with a baseline also runs the same layout with every webhook healthy, so
 * its healthy rate and p99 can be read against the all-healthy ones.
 */
public record Scenario(String name, Map<String, String> flags, Baseline baseline) {
  /** Whether, and how long, to run the all-healthy twin of a scenario. */
  public enum Baseline {
    NONE,
    /** The same number of events. */
    SAME,
    /** A tenth of the events (at least 10,000): enough to measure a rate. */
    SHORT
  }

  public static final String ALL = "all";

  /** In the order {@code --scenario all} runs them. */
  public static final List<Scenario> SCENARIOS =
      List.of(
          new Scenario(
              "hot-host",
              Map.of("fanout", "10", "receivers", "1", "events", "20000"),
              Baseline.NONE),
          new Scenario(
              "hot-host-50ms",
              Map.of(
                  "fanout", "10",
                  "receivers", "1",
                  "events", "20000",
                  "receiver-latency", "50ms",
                  "raw-in-flight", "512"),
              Baseline.NONE),
          new Scenario(
              "paced-1000",
              Map.of(
                  "fanout", "2",
                  "receivers", "1",
                  "events", "100000",
                  "latency-rate", "1000",
                  "latency-phase", "30s"),
              Baseline.NONE),
          new Scenario(
              "fanout-1",
              // 300,000: about ten seconds of deliveries. With a third of that, the worker's start
              // (whose Kafka client code the JIT compiler was still compiling in the fourth run of
              // a JVM) was a good part of what was measured.
              Map.of("fanout", "1", "receivers", "1", "events", "300000"),
              Baseline.NONE),
          new Scenario(
              "isolation-shared",
              // 30 s of paced events, as in paced-1000: in 5 s, one stall of the bench's own
              // process (a long compile or a GC pause on the two cores it shares with the broker
              // and the receivers) made a run's p99, and the p99 ratio read that run's luck.
              Map.of(
                  "fanout", "10",
                  "receivers", "1",
                  "black-hole", "1",
                  "failing", "1",
                  "troubled-hosts", "shared",
                  "latency-phase", "30s"),
              Baseline.SAME),
          new Scenario(
              "isolation-separate",
              // The same 30 s latency phase as isolation-shared.
              Map.of(
                  "fanout", "10",
                  "receivers", "1",
                  "black-hole", "1",
                  "failing", "1",
                  "troubled-hosts", "separate",
                  "latency-phase", "30s"),
              Baseline.SAME),
          new Scenario(
              "backlog-blackhole",
              Map.of("events", "1000000", "fanout", "2", "receivers", "1", "black-hole", "1"),
              Baseline.SHORT));

  /** The plain run: defaults and flags only. */
  static final Scenario NONE = new Scenario("", Map.of(), Baseline.NONE);

  public Scenario {
    flags = Map.copyOf(flags);
  }

  /**
   * @throws IllegalArgumentException listing the known names
   */
  public static Scenario named(String name) {
    for (Scenario s : SCENARIOS) {
      if (s.name.equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "--scenario: '" + name + "' is not one of " + ALL + ", " + names());
  }

  public static String names() {
    return SCENARIOS.stream().map(Scenario::name).collect(Collectors.joining(", "));
  }

  /** The scenario's options, with the flags given on top. */
  public BenchOptions options(Map<String, String> given) {
    return BenchOptions.resolve(flags, given);
  }

  /** One run of a scenario's plan. */
  enum Run {
    /**
     * A run to warm the JVM up, reported and not compared: the scenario itself, as long as its twin
     * when that is shorter. Its troubled webhooks take paths (holds, retry tiers, breakers) that
     * the twin never takes; warmed only by the twin, the JIT compiler would compile them during the
     * scenario's measured runs, on the same two cores.
     */
    WARM_UP,
    /** The all-healthy twin, to warm the JVM up: reported and not compared. */
    WARM_UP_TWIN,
    /** The all-healthy twin, compared against. */
    TWIN,
    /** The scenario itself. */
    SCENARIO
  }

  /**
   * In which order a scenario and its all-healthy twin run. A JVM keeps getting faster for minutes
   * (in a fresh JVM the raw client runs at half the rate it reaches a few runs later), so nothing
   * measured is the first run of its process: warm-ups come first unless the caller has warmed the
   * JVM already. With a twin of the same length they then run twin, scenario, scenario, twin, and
   * are compared by their means, so drift that is linear in time falls on both alike; a short twin
   * (beside a long backlog) runs once, before the scenario. Warm-ups of a scenario with a twin
   * alternate, the scenario first: its paths include the twin's.
   *
   * @param warmUps warm-up runs to start with
   */
  static List<Run> runOrder(Baseline baseline, int warmUps) {
    List<Run> measured =
        switch (baseline) {
          case NONE -> List.of(Run.SCENARIO);
          case SAME -> List.of(Run.TWIN, Run.SCENARIO, Run.SCENARIO, Run.TWIN);
          case SHORT -> List.of(Run.TWIN, Run.SCENARIO);
        };
    List<Run> order = new ArrayList<>();
    for (int i = 0; i < warmUps; i++) {
      order.add(baseline != Baseline.NONE && i % 2 == 1 ? Run.WARM_UP_TWIN : Run.WARM_UP);
    }
    order.addAll(measured);
    return List.copyOf(order);
  }

  /** Events of the all-healthy twin, when it runs shorter than the scenario. */
  static int baselineEvents(Baseline baseline, int events) {
    return baseline == Baseline.SHORT ? Math.min(events, Math.max(10_000, events / 10)) : events;
  }
}
