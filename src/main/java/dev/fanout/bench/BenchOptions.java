package dev.fanout.bench;

import dev.fanout.config.Durations;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one benchmark run does. Built from flag values by name ({@code "events"} for {@code
 * --events}), so that a scenario's settings and the flags a user gave merge as plain maps:
 * defaults, then the scenario's, then the flags given.
 */
public record BenchOptions(
    int events,
    int fanout,
    int receivers,
    Duration receiverLatency,
    int slowReceivers,
    int blackHoles,
    int failing,
    Topology.TroubledHosts troubledHosts,
    Topology.Spread spread,
    int bodyBytes,
    int backlog,
    Duration latencyPhase,
    double latencyRate,
    int rawRequests,
    int rawInFlight,
    Duration phaseLimit,
    boolean allHealthy,
    boolean showThreads) {

  /** Every option with its default; also the defaults picocli shows in the help. */
  public static final Map<String, String> DEFAULTS =
      Map.ofEntries(
          Map.entry("events", "20000"),
          Map.entry("fanout", "10"),
          Map.entry("receivers", "10"),
          Map.entry("receiver-latency", "0ms"),
          Map.entry("slow-receivers", "all"),
          Map.entry("black-hole", "0"),
          Map.entry("failing", "0"),
          Map.entry("troubled-hosts", "shared"),
          Map.entry("spread", "even"),
          Map.entry("body-bytes", "1024"),
          Map.entry("backlog", "0"),
          Map.entry("latency-phase", "5s"),
          Map.entry("latency-rate", "0"),
          Map.entry("raw-requests", "100000"),
          Map.entry("raw-in-flight", "64"),
          Map.entry("phase-limit", "10m"),
          Map.entry("all-healthy", "false"),
          Map.entry("show-threads", "false"));

  /** Defaults, then {@code scenario}, then {@code given}: a flag given always wins. */
  public static BenchOptions resolve(Map<String, String> scenario, Map<String, String> given) {
    Map<String, String> merged = new LinkedHashMap<>(DEFAULTS);
    merged.putAll(scenario);
    merged.putAll(given);
    return parse(merged);
  }

  /**
   * @throws IllegalArgumentException naming the flag and its bad value
   */
  static BenchOptions parse(Map<String, String> v) {
    for (String key : v.keySet()) {
      if (!DEFAULTS.containsKey(key)) {
        throw new IllegalArgumentException("unknown bench option --" + key);
      }
    }
    BenchOptions o =
        new BenchOptions(
            count(v, "events", 1),
            count(v, "fanout", 1),
            count(v, "receivers", 1),
            duration(v, "receiver-latency"),
            v.get("slow-receivers").trim().equals("all")
                ? Integer.MAX_VALUE
                : count(v, "slow-receivers", 0),
            count(v, "black-hole", 0),
            count(v, "failing", 0),
            choice(v, "troubled-hosts", Topology.TroubledHosts.class),
            choice(v, "spread", Topology.Spread.class),
            count(v, "body-bytes", 64),
            count(v, "backlog", 0),
            duration(v, "latency-phase"),
            rate(v, "latency-rate"),
            count(v, "raw-requests", 1),
            count(v, "raw-in-flight", 1),
            duration(v, "phase-limit"),
            flag(v, "all-healthy"),
            flag(v, "show-threads"));
    Topology.of(o); // checks that the layout leaves a healthy webhook
    return o;
  }

  /** This run with every webhook healthy, in the same layout. */
  BenchOptions withAllHealthy(int events) {
    return with(events, true);
  }

  /** This run with {@code events} events, in the same layout. */
  BenchOptions withEvents(int events) {
    return with(events, allHealthy);
  }

  private BenchOptions with(int events, boolean allHealthy) {
    return new BenchOptions(
        events,
        fanout,
        receivers,
        receiverLatency,
        slowReceivers,
        blackHoles,
        failing,
        troubledHosts,
        spread,
        bodyBytes,
        backlog,
        latencyPhase,
        latencyRate,
        rawRequests,
        rawInFlight,
        phaseLimit,
        allHealthy,
        showThreads);
  }

  /** The flags that make this run, for the report. */
  List<String> describe() {
    return List.of(
        "events=" + events,
        "fanout=" + fanout,
        "receivers=" + receivers,
        "receiver-latency=" + Durations.format(receiverLatency),
        "slow-receivers=" + (slowReceivers == Integer.MAX_VALUE ? "all" : slowReceivers),
        "black-hole=" + blackHoles,
        "failing=" + failing,
        "troubled-hosts=" + lower(troubledHosts),
        "spread=" + lower(spread),
        "body=" + bodyBytes + "B",
        "backlog=" + backlog,
        "latency-phase=" + Durations.format(latencyPhase),
        "latency-rate="
            + (latencyRate > 0 ? String.format(Locale.ROOT, "%.0f", latencyRate) : "auto"),
        "raw-requests=" + rawRequests,
        "raw-in-flight=" + rawInFlight,
        "phase-limit=" + Durations.format(phaseLimit),
        "all-healthy=" + allHealthy);
  }

  private static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  private static int count(Map<String, String> v, String key, int min) {
    String text = v.get(key).trim().replace("_", "");
    int value;
    try {
      value = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + key + ": '" + v.get(key) + "' is not a number");
    }
    if (value < min) {
      throw new IllegalArgumentException("--" + key + ": must be at least " + min);
    }
    return value;
  }

  private static double rate(Map<String, String> v, String key) {
    try {
      double value = Double.parseDouble(v.get(key).trim());
      if (value >= 0 && Double.isFinite(value)) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "--" + key + ": '" + v.get(key) + "' is not a rate (events per second, 0 for automatic)");
  }

  private static Duration duration(Map<String, String> v, String key) {
    try {
      return Durations.parse(v.get(key));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--" + key + ": " + e.getMessage());
    }
  }

  private static <E extends Enum<E>> E choice(Map<String, String> v, String key, Class<E> type) {
    try {
      return Enum.valueOf(type, v.get(key).trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--" + key + ": '" + v.get(key) + "' is not one of " + choices(type));
    }
  }

  private static <E extends Enum<E>> String choices(Class<E> type) {
    StringBuilder s = new StringBuilder();
    for (E e : type.getEnumConstants()) {
      s.append(s.length() == 0 ? "" : ", ").append(lower(e));
    }
    return s.toString();
  }

  private static boolean flag(Map<String, String> v, String key) {
    String text = v.get(key).trim();
    if (!text.equals("true") && !text.equals("false")) {
      throw new IllegalArgumentException("--" + key + ": '" + text + "' is not true or false");
    }
    return Boolean.parseBoolean(text);
  }
}
