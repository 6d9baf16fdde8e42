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
 * runs every one in turn, and a summary table follows the runs. With {@code --history both} each
 * scenario runs after a warm-up with delivery history on, off, off and on, and the cost of history
 * is reported ({@link HistoryMode}).
 */
public final class Bench {
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
   */
  public static void run(
      FanoutConfig config,
      List<Scenario> plan,
      Map<String, String> given,
      HistoryMode history,
      PrintWriter out,
      PrintWriter err)
      throws Exception {
    List<RunResult> runs = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (Scenario scenario : plan) {
      try {
        List<RunResult> on = new ArrayList<>();
        List<RunResult> off = new ArrayList<>();
        List<Boolean> modes = history.runs();
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
                    i == 0 ? ", warm-up" : (enabled ? ", history on " : ", history off ") + i;
              };
          RunResult result = runScenario(runConfig, scenario, suffix, given, out, err, runs, notes);
          if (history == HistoryMode.BOTH && i > 0) {
            (enabled ? on : off).add(result);
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

  private static RunResult runScenario(
      FanoutConfig config,
      Scenario scenario,
      String suffix,
      Map<String, String> given,
      PrintWriter out,
      PrintWriter err,
      List<RunResult> runs,
      List<String> notes)
      throws Exception {
    BenchOptions options = scenario.options(given);
    double pacedRate = 0;
    RunResult baseline = null;
    if (scenario.baseline() != Scenario.Baseline.NONE && !options.allHealthy()) {
      BenchOptions twin =
          options.withAllHealthy(Scenario.baselineEvents(scenario.baseline(), options.events()));
      baseline =
          BenchRun.run(
              new BenchTopics(config), twin, scenario.name() + ", all healthy" + suffix, 0, err);
      Report.block(out, baseline);
      runs.add(baseline);
      pacedRate = baseline.pacedRate();
    }
    RunResult result =
        BenchRun.run(new BenchTopics(config), options, scenario.name() + suffix, pacedRate, err);
    Report.block(out, result);
    runs.add(result);
    if (baseline != null) {
      notes.add(Report.comparison(result, baseline));
    }
    return result;
  }
}
