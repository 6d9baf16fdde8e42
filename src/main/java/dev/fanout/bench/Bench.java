package dev.fanout.bench;

import dev.fanout.config.FanoutConfig;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code fanout bench}: the worker end to end against receivers on 127.0.0.1, and in the same run
 * the bare HTTP client posting the same signed bodies to the same receivers, so the rates and the
 * CPU times can be compared as ratios that mean the same on any machine ({@link BenchRun}).
 *
 * <p>A named scenario sets the options of a topology users have ({@link Scenario}); {@code all}
 * runs every one in turn, and a summary table follows the runs. Warm-up runs come first in each
 * scenario (three unless told). With {@code --history both} each scenario runs after its warm-ups
 * with delivery history on, off, off and on, and the cost of history is reported ({@link
 * HistoryMode}).
 */
public final class Bench {
  /**
   * Warm-up runs unless told, whatever the history mode. In a fresh JVM the JIT compiler still took
   * 0.2–0.7 of a core in a scenario's third run, and up to a core in the first runs of a troubled
   * scenario.
   */
  static final int DEFAULT_WARM_UPS = 3;

  private Bench() {}

  /**
   * The scenarios a {@code --scenario} value names: none (null), one, or all.
   *
   * @throws IllegalArgumentException for an unknown name
   */
  public static List<Scenario> plan(String scenario) {
    if (scenario == null) {
      return List.of(Scenario.NONE);
    }
    return scenario.equals(Scenario.ALL) ? Scenario.SCENARIOS : List.of(Scenario.named(scenario));
  }

  /**
   * Resolves every scenario's options with the flags given, so that a bad value is reported before
   * anything starts.
   *
   * @throws IllegalArgumentException naming the flag and its bad value
   */
  public static void check(List<Scenario> plan, Map<String, String> given) {
    plan.forEach(s -> s.options(given));
  }

  /**
   * Runs the scenarios of {@code plan}: results on {@code out}, progress on {@code err}. When
   * several run, one that fails is reported and the others still run.
   *
   * @param warmUps warm-up runs per scenario; null: three
   */
  public static void run(
      FanoutConfig config,
      List<Scenario> plan,
      Map<String, String> given,
      HistoryMode history,
      Integer warmUps,
      PrintWriter out,
      PrintWriter err)
      throws Exception {
    int warmUpRuns = warmUps == null ? DEFAULT_WARM_UPS : warmUps;
    List<RunResult> runs = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (Scenario scenario : plan) {
      try {
        List<RunResult> on = new ArrayList<>();
        List<RunResult> off = new ArrayList<>();
        List<Boolean> modes = history.runs(warmUpRuns);
        for (int i = 0; i < modes.size(); i++) {
          boolean enabled = modes.get(i);
          // No log line per attempt: at the rates measured here it would measure stderr.
          FanoutConfig runConfig =
              config.with(
                  Map.of("history.enabled", Boolean.toString(enabled), "log.attempts", "false"));
          String suffix =
              switch (history) {
                case ON -> "";
                case OFF -> ", history off";
                case BOTH ->
                    i < warmUpRuns
                        ? ", warm-up " + (i + 1)
                        : (enabled ? ", history on " : ", history off ") + (i - warmUpRuns + 1);
              };
          // With history both, the first passes are the warm-ups.
          int scenarioWarmUps = history == HistoryMode.BOTH ? 0 : warmUpRuns;
          List<RunResult> results =
              runScenario(
                  runConfig, scenario, suffix, scenarioWarmUps, given, out, err, runs, notes);
          if (history == HistoryMode.BOTH && i >= warmUpRuns) {
            (enabled ? on : off).addAll(results);
          }
        }
        if (history == HistoryMode.BOTH) {
          notes.add(Report.historyCost(scenario.name(), on, off));
          out.println(notes.get(notes.size() - 1));
          out.flush();
        }
      } catch (Exception e) {
        if (plan.size() == 1) {
          throw e;
        }
        String failure = scenario.name() + " failed: " + e.getMessage();
        notes.add(failure);
        err.println(failure);
        e.printStackTrace(err);
        err.flush();
      }
    }
    if (plan.get(0) != Scenario.NONE) {
      Report.summary(out, runs, notes);
    }
  }

  /** The scenario's own runs (its all-healthy twins, if any, are only compared against). */
  private static List<RunResult> runScenario(
      FanoutConfig config,
      Scenario scenario,
      String suffix,
      int warmUps,
      Map<String, String> given,
      PrintWriter out,
      PrintWriter err,
      List<RunResult> runs,
      List<String> notes)
      throws Exception {
    BenchOptions options = scenario.options(given);
    Scenario.Baseline baseline =
        options.allHealthy() ? Scenario.Baseline.NONE : scenario.baseline();
    List<Scenario.Run> order = Scenario.runOrder(baseline, warmUps);
    boolean several = order.stream().filter(run -> run == Scenario.Run.SCENARIO).count() > 1;
    List<RunResult> twins = new ArrayList<>();
    List<RunResult> results = new ArrayList<>();
    double pacedRate = 0;
    int twinEvents = Scenario.baselineEvents(baseline, options.events());
    for (Scenario.Run run : order) {
      boolean twin = run == Scenario.Run.TWIN || run == Scenario.Run.WARM_UP_TWIN;
      boolean warmUp = run == Scenario.Run.WARM_UP || run == Scenario.Run.WARM_UP_TWIN;
      List<RunResult> done = run == Scenario.Run.SCENARIO ? results : twins;
      String label =
          (warmUp && scenario.name().isEmpty() ? "run" : scenario.name())
              + (twin ? ", all healthy" : "")
              + suffix
              + (warmUp ? ", warm-up" : several ? " " + (char) ('a' + done.size()) : "");
      BenchOptions runOptions =
          twin
              ? options.withAllHealthy(twinEvents)
              : warmUp ? options.withEvents(twinEvents) : options;
      RunResult result =
          BenchRun.run(new BenchTopics(config), runOptions, label, twin ? 0 : pacedRate, err);
      Report.block(out, result);
      runs.add(result);
      if (!warmUp) {
        done.add(result);
      }
      if (run == Scenario.Run.TWIN && pacedRate == 0) {
        pacedRate = result.pacedRate();
      }
    }
    if (!twins.isEmpty()) {
      notes.add(Report.comparison(scenario.name() + suffix, results, twins));
      out.println(notes.get(notes.size() - 1));
      out.flush();
    }
    return results;
  }
}
