package dev.fanout.cli;

import dev.fanout.bench.Bench;
import dev.fanout.bench.BenchOptions;
import dev.fanout.bench.HistoryMode;
import dev.fanout.bench.Scenario;
import dev.fanout.config.FanoutConfig;
import dev.fanout.kafka.EmbeddedKafka;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * {@code fanout bench}. The option fields are not read directly: the options given are taken from
 * the parse result by name, so that a scenario's setting yields only to a flag that was given.
 */
@Command(
    name = "bench",
    defaultValueProvider = BenchCommand.Defaults.class,
    description = {
      "Measure the worker end to end, and the bare HTTP client in the same run.",
      "Receivers listen on 127.0.0.1; the broker is embedded unless --bootstrap-servers is given."
    })
final class BenchCommand extends BaseCommand {
  @Option(
      names = "--scenario",
      paramLabel = "NAME",
      description =
          "A named topology (its options yield to flags given): all, hot-host, hot-host-50ms,"
              + " paced-1000, fanout-1, isolation-shared, isolation-separate, backlog-blackhole.")
  String scenario;

  @Option(names = "--events", paramLabel = "N", description = "Events (default ${DEFAULT-VALUE}).")
  String events;

  @Option(
      names = "--fanout",
      paramLabel = "F",
      description = "Webhooks per event (default ${DEFAULT-VALUE}).")
  String fanout;

  @Option(
      names = "--receivers",
      paramLabel = "R",
      description =
          "Receiver hosts (host:port) the webhooks are spread over; with --troubled-hosts"
              + " separate, the healthy webhooks' (default ${DEFAULT-VALUE}).")
  String receivers;

  @Option(
      names = "--receiver-latency",
      paramLabel = "DURATION",
      description = "Answer delay of healthy paths, e.g. 50ms (default ${DEFAULT-VALUE}).")
  String receiverLatency;

  @Option(
      names = "--slow-receivers",
      paramLabel = "N",
      description =
          "Receivers (the first N) that answer after --receiver-latency; the others answer at"
              + " once, as subscribers of different speeds beside each other (default"
              + " ${DEFAULT-VALUE}).")
  String slowReceivers;

  @Option(
      names = "--black-hole",
      paramLabel = "N",
      description = "Webhooks whose path reads and never answers (default ${DEFAULT-VALUE}).")
  String blackHoles;

  @Option(
      names = "--failing",
      paramLabel = "N",
      description = "Webhooks whose path answers 500 (default ${DEFAULT-VALUE}).")
  String failing;

  @Option(
      names = "--troubled-hosts",
      paramLabel = "shared|separate",
      description =
          "Black-holed and failing webhooks among the healthy ones' hosts, or each on a host of"
              + " its own (default ${DEFAULT-VALUE}).")
  String troubledHosts;

  @Option(
      names = "--spread",
      paramLabel = "even|skewed",
      description =
          "Webhooks round robin over the hosts, or half on the first host and the rest round"
              + " robin (default ${DEFAULT-VALUE}).")
  String spread;

  @Option(
      names = "--body-bytes",
      paramLabel = "BYTES",
      description = "Event size (default ${DEFAULT-VALUE}).")
  String bodyBytes;

  @Option(
      names = "--backlog",
      paramLabel = "N",
      description =
          "Events produced as fast as possible right before the latency phase"
              + " (default ${DEFAULT-VALUE}).")
  String backlog;

  @Option(
      names = "--latency-phase",
      paramLabel = "DURATION",
      description = "Length of the paced latency phase (default ${DEFAULT-VALUE}).")
  String latencyPhase;

  @Option(
      names = "--latency-rate",
      paramLabel = "R",
      description =
          "Events/s of the latency phase; 0: half the measured rate (default ${DEFAULT-VALUE}).")
  String latencyRate;

  @Option(
      names = "--raw-requests",
      paramLabel = "N",
      description = "Requests of the raw client run (default ${DEFAULT-VALUE}).")
  String rawRequests;

  @Option(
      names = "--raw-in-flight",
      paramLabel = "N",
      description =
          "Requests the raw client keeps in flight, on up to as many connections per host"
              + " (default 64).")
  String rawInFlight;

  @Option(
      names = "--phase-limit",
      paramLabel = "DURATION",
      description =
          "Longest wait for a phase's healthy deliveries; a phase cut short is reported"
              + " incomplete (default ${DEFAULT-VALUE}).")
  String phaseLimit;

  @Option(
      names = "--history",
      paramLabel = "on|off|both",
      defaultValue = "on",
      description =
          "Write delivery history (history.enabled) during the runs; both: each scenario with"
              + " history on, then off, and the cost of history (default on).")
  String history;

  @Option(
      names = "--warm-ups",
      paramLabel = "N",
      description =
          "Runs of each scenario before the measured ones, reported and not compared: the JIT"
              + " compiler of a fresh JVM takes much of a core for minutes (default 3).")
  Integer warmUps;

  @Option(names = "--all-healthy", description = "Make every webhook healthy, keeping the layout.")
  boolean allHealthy;

  @Option(
      names = "--show-threads",
      description = "Print each thread's CPU time and whether it was counted, on stderr.")
  boolean showThreads;

  @Override
  public Integer call() throws Exception {
    BundledTools tools = BundledTools.onClassPath();
    tools.requireBenchReceivers("bench");
    List<Scenario> plan;
    Map<String, String> given = given();
    HistoryMode historyMode;
    try {
      plan = Bench.plan(scenario);
      Bench.check(plan, given);
      historyMode = HistoryMode.parse(history);
      if (warmUps != null && warmUps < 0) {
        throw new IllegalArgumentException("--warm-ups: " + warmUps + " is negative");
      }
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    load(Map.of("log.level", "WARN", "log.format", "text", "topics.partitions", "6"));
    FanoutCommand root = (FanoutCommand) spec.root().userObject();
    if (root.bootstrapServers != null) {
      Bench.run(config(), plan, given, historyMode, warmUps, out(), err());
      return ExitCodes.OK;
    }
    tools.requireEmbeddedBroker("bench (without --bootstrap-servers)");
    try (EmbeddedKafka broker = EmbeddedKafka.start()) {
      FanoutConfig config =
          config().with(Map.of("kafka.bootstrap.servers", broker.bootstrapServers()));
      Bench.run(config, plan, given, historyMode, warmUps, out(), err());
    }
    return ExitCodes.OK;
  }

  /** The bench options given on the command line, by name without the dashes. */
  private Map<String, String> given() {
    Map<String, String> given = new LinkedHashMap<>();
    for (OptionSpec option : spec.commandLine().getParseResult().matchedOptions()) {
      String name = option.longestName().substring(2);
      if (BenchOptions.DEFAULTS.containsKey(name)) {
        given.put(name, String.valueOf((Object) option.getValue()));
      }
    }
    return given;
  }

  /** The help shows the defaults the options have when neither a scenario nor a flag sets them. */
  static final class Defaults implements CommandLine.IDefaultValueProvider {
    @Override
    public String defaultValue(CommandLine.Model.ArgSpec arg) {
      if (arg instanceof OptionSpec option) {
        return BenchOptions.DEFAULTS.get(option.longestName().substring(2));
      }
      return null;
    }
  }
}
