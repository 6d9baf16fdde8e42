package dev.fanout.bench;

import dev.fanout.config.Durations;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints runs: one block per run, a markdown summary of several, and the diagnostics of threads.
 */
final class Report {
  private static final double MIB = 1024 * 1024;

  private Report() {}

  static void block(PrintWriter out, RunResult r) {
    BenchOptions o = r.options();
    out.printf("== %s%n", r.label().isEmpty() ? "fanout bench" : r.label());
    out.printf(
        "options              %s (max-in-flight %d)%n",
        String.join(" ", o.describe()), r.maxInFlight());
    out.printf("layout               %s%n", r.layout());
    out.printf(
        "raw http client      %8.0f requests/s   (%d requests, %d in flight, %d per host)%n",
        r.raw().rate(), r.raw().requests(), r.raw().inFlight(), r.raw().perHost());
    out.printf(
        "fanout pipeline      %8.0f deliveries/s (%d deliveries to healthy webhooks, %.1f s)%s%n",
        r.rate(),
        r.deliveries(),
        r.seconds(),
        r.deliveriesMissing() == 0
            ? ""
            : String.format(
                "  INCOMPLETE: %d more did not arrive within --phase-limit %s",
                r.deliveriesMissing(), Durations.format(o.phaseLimit())));
    out.printf("ratio                %8.2f   (pipeline / raw client)%n", r.ratio());
    if (r.workerCpu().supported()) {
      out.printf(
          "cpu per delivery     %8.1f us  (%d worker threads over the throughput phase%s)%n",
          r.cpuMicrosPerDelivery(), r.workerCpu().threads(), lowerBound(r.workerCpu()));
      out.printf(
          "cpu per raw request  %8.1f us  (%d raw client threads over its run%s)%n",
          r.rawCpuMicrosPerRequest(), r.raw().cpu().threads(), lowerBound(r.raw().cpu()));
      out.printf(
          "cpu ratio            %8.2f   (worker per delivery / raw client per request)%n",
          r.cpuRatio());
    } else {
      out.println("cpu per delivery     n/a (this JVM does not measure thread CPU time)");
    }
    out.printf(
        "cores busy           raw client run %s, throughput phase %s, latency phase %s, of %d"
            + "   (the whole process: JIT compiler in brackets)%n",
        cores(r.raw().cpu().machine()),
        cores(r.workerCpu().machine()),
        cores(r.latencyMachine()),
        Runtime.getRuntime().availableProcessors());
    if (r.backlogEvents() > 0) {
      out.printf(
          "backlog              %d events produced in %.1f s, then the latency phase at once%n",
          r.backlogEvents(), r.backlogSeconds());
    }
    out.printf(
        "end-to-end latency   p50 %s ms  p99 %s ms  max %s ms   (%d events at %.0f/s, %s;"
            + " produce to healthy receiver)%n",
        number(r.p50Millis(), 1),
        number(r.p99Millis(), 1),
        number(r.maxMillis(), 1),
        r.pacedEvents(),
        r.pacedRate(),
        r.pacedRateSource());
    if (r.latencyMissing() > 0) {
      out.printf(
          "                     INCOMPLETE: %d healthy deliveries had not arrived when --phase-limit"
              + " %s ended the wait after the latency phase; the percentiles leave them out%n",
          r.latencyMissing(), Durations.format(o.phaseLimit()));
    }
    out.printf(
        "healthy deliveries   %d to %d accepted per webhook (%d events); duplicates %d%s%n",
        r.acceptedPerWebhookMin(),
        r.acceptedPerWebhookMax(),
        r.expectedPerWebhook(),
        r.duplicates(),
        r.unidentified() > 0 ? " (" + r.unidentified() + " requests had no delivery id)" : "");
    if (r.troubledRequests() > 0) {
      out.printf("troubled webhooks    %d requests received%n", r.troubledRequests());
    }
    TierCensus.Counts c = r.census();
    out.printf(
        "retry tier records   healthy %d  troubled %d%s  %s%n",
        c.healthyRetries(),
        c.troubledRetries(),
        c.unattributedRetries() > 0 ? "  without webhook id " + c.unattributedRetries() : "",
        c.retriesByTier().isEmpty() ? "" : "(by tier " + c.retriesByTier() + ")");
    out.printf(
        "dead letters         %d  (healthy %d)  %s%n",
        c.deadLetters(),
        c.healthyDeadLetters(),
        c.deadLettersByReason().isEmpty() ? "" : "(by reason " + c.deadLettersByReason() + ")");
    out.printf(
        "memory               peak heap %.0f MiB (sum of pool peaks)  peak RSS %s%n",
        r.peakHeapBytes() / MIB,
        r.peakRssBytes() < 0 ? "n/a" : String.format("%.0f MiB", r.peakRssBytes() / MIB));
    out.flush();
  }

  /**
   * The scenario's runs against its all-healthy twin's, by mean healthy rate and mean healthy p99.
   * The healthy rate counts every delivery to a healthy webhook, so the twin, with every webhook
   * healthy, delivers to more of them; the rate per healthy webhook (the events per second each one
   * gets) is printed beside it.
   */
  static String comparison(String name, List<RunResult> scenario, List<RunResult> allHealthy) {
    double rate = mean(scenario, RunResult::rate);
    double healthyRate = mean(allHealthy, RunResult::rate);
    double perWebhook = mean(scenario, r -> perHealthyWebhook(r.rate(), r.options()));
    double healthyPerWebhook = mean(allHealthy, r -> perHealthyWebhook(r.rate(), r.options()));
    double p99 = mean(scenario, RunResult::p99Millis);
    double healthyP99 = mean(allHealthy, RunResult::p99Millis);
    return String.format(
            Locale.ROOT,
            "%s against all healthy (%d runs each, means): healthy rate %.2f x (%.0f / %.0f"
                + " deliveries/s), per healthy webhook %.2f x, healthy p99 %s x (%s / %s ms)",
            name,
            scenario.size(),
            rate / healthyRate,
            rate,
            healthyRate,
            perWebhook / healthyPerWebhook,
            number(p99 / healthyP99, 2),
            number(p99, 1),
            number(healthyP99, 1))
        + disagreement("scenario", scenario.stream().map(RunResult::rate).toList())
        + disagreement("all-healthy", allHealthy.stream().map(RunResult::rate).toList());
  }

  /** Runs of one kind whose rates differ by more than this factor make a poor mean to compare. */
  static final double DISAGREEING_RATES = 1.2;

  /**
   * A warning when runs that should measure the same thing do not: one slow run (a stall, the
   * machine busy elsewhere) moves a mean of two by half its gap, and with it the ratio.
   */
  static String disagreement(String which, List<Double> rates) {
    double min = rates.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    double max = rates.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    if (rates.size() < 2 || min <= 0 || max / min <= DISAGREEING_RATES) {
      return "";
    }
    return String.format(
        Locale.ROOT,
        "; the %s runs disagree (%.0f to %.0f deliveries/s): run it again before reading the ratio",
        which,
        min,
        max);
  }

  /** Deliveries per second to each healthy webhook of a run with these options. */
  static double perHealthyWebhook(double rate, BenchOptions o) {
    int healthy = o.allHealthy() ? o.fanout() : o.fanout() - o.blackHoles() - o.failing();
    return rate / healthy;
  }

  /**
   * What writing delivery history costs: the runs of a scenario with history on against those with
   * it off, by mean rate, by mean ratio of each run's rate to its own raw client's (which takes out
   * how fast the machine was at the time), and by mean CPU time per delivery.
   */
  static String historyCost(String scenario, List<RunResult> on, List<RunResult> off) {
    double onRate = mean(on, RunResult::rate);
    double offRate = mean(off, RunResult::rate);
    double onRatio = mean(on, RunResult::ratio);
    double offRatio = mean(off, RunResult::ratio);
    double onCpu = mean(on, RunResult::cpuMicrosPerDelivery);
    double offCpu = mean(off, RunResult::cpuMicrosPerDelivery);
    return String.format(
        Locale.ROOT,
        "%s, history cost (%d runs on, %d off): throughput on/off %.3f (%.0f / %.0f deliveries/s);"
            + " against each run's raw client %.3f (%.2f / %.2f); CPU per delivery %.3f"
            + " (%.1f / %.1f us)",
        scenario,
        on.size(),
        off.size(),
        onRate / offRate,
        onRate,
        offRate,
        onRatio / offRatio,
        onRatio,
        offRatio,
        onCpu / offCpu,
        onCpu,
        offCpu);
  }

  private static double mean(
      List<RunResult> runs, java.util.function.ToDoubleFunction<RunResult> value) {
    return runs.stream().mapToDouble(value).average().orElse(Double.NaN);
  }

  static void summary(PrintWriter out, List<RunResult> runs, List<String> notes) {
    out.println();
    out.println(
        "| scenario | raw req/s | deliveries/s | ratio | CPU us/delivery | raw CPU us/request"
            + " | CPU ratio | p50 ms | p99 ms | max ms | healthy tier records | dead letters"
            + " | duplicates | peak heap MiB | peak RSS MiB | cores busy, raw / worker (JIT)"
            + " | cores busy, latency phase (JIT) |");
    out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (RunResult r : runs) {
      out.printf(
          "| %s | %.0f | %.0f | %.2f | %.1f%s | %.1f%s | %.2f | %s | %s | %s | %d | %d | %d"
              + " | %.0f | %.0f | %s / %s | %s |%n",
          r.complete() ? r.label() : r.label() + " (incomplete)",
          r.raw().rate(),
          r.rate(),
          r.ratio(),
          r.cpuMicrosPerDelivery(),
          r.workerCpu().lowerBound() ? "+" : "",
          r.rawCpuMicrosPerRequest(),
          r.raw().cpu().lowerBound() ? "+" : "",
          r.cpuRatio(),
          number(r.p50Millis(), 1),
          number(r.p99Millis(), 1),
          number(r.maxMillis(), 1),
          r.census().healthyRetries(),
          r.census().deadLetters(),
          r.duplicates(),
          r.peakHeapBytes() / MIB,
          r.peakRssBytes() / MIB,
          cores(r.raw().cpu().machine()),
          cores(r.workerCpu().machine()),
          cores(r.latencyMachine()));
    }
    out.println();
    for (String note : notes) {
      out.println(note);
    }
    out.flush();
  }

  /** Diagnostics: CPU per thread name over a phase, the threads counted marked with *. */
  static void threads(PrintWriter err, String phase, Map<String, Long> millisByName) {
    err.printf("threads of the %s phase (* counted, - left over from earlier), CPU ms:%n", phase);
    millisByName.forEach((name, millis) -> err.printf("  %6d  %s%n", millis, name));
    err.flush();
  }

  /** A number with {@code decimals} places, or "n/a" when there is none (NaN). */
  private static String number(double value, int decimals) {
    return Double.isNaN(value) ? "n/a" : String.format("%." + decimals + "f", value);
  }

  /** Cores the process kept busy, the JIT compiler's share in brackets: "1.27 (0.05)". */
  static String cores(ThreadCpu.Machine machine) {
    return (machine.busyCores() < 0 ? "n/a" : String.format("%.2f", machine.busyCores()))
        + " ("
        + (machine.compilingCores() < 0 ? "n/a" : String.format("%.2f", machine.compilingCores()))
        + ")";
  }

  private static String lowerBound(ThreadCpu.Usage usage) {
    return usage.lowerBound() ? "; a lower bound: a measured thread ended during the phase" : "";
  }
}
