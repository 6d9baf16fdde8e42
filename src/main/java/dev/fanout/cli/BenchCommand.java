package dev.fanout.cli;

import dev.fanout.bench.Bench;
import dev.fanout.config.Durations;
import dev.fanout.config.FanoutConfig;
import dev.fanout.kafka.EmbeddedKafka;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "bench",
    description = {
      "Measure the worker end to end against receivers on 127.0.0.1, and the bare HTTP client",
      "in the same run. Uses an embedded broker unless --bootstrap-servers is given."
    })
final class BenchCommand extends BaseCommand {
  @Option(
      names = "--events",
      defaultValue = "20000",
      description = "Events (default ${DEFAULT-VALUE}).")
  int events;

  @Option(
      names = "--fanout",
      defaultValue = "10",
      description = "Webhooks per event (default ${DEFAULT-VALUE}).")
  int fanout;

  @Option(
      names = "--receivers",
      defaultValue = "10",
      description = "Receiver endpoints (default ${DEFAULT-VALUE}).")
  int receivers;

  @Option(
      names = "--receiver-latency",
      defaultValue = "0ms",
      description = "Receiver answer delay, e.g. 50ms.")
  String receiverLatency;

  @Option(names = "--black-hole", defaultValue = "0", description = "Receivers that never answer.")
  int blackHoles;

  @Option(names = "--failing", defaultValue = "0", description = "Receivers that answer 500.")
  int failing;

  @Option(
      names = "--body-bytes",
      defaultValue = "1024",
      description = "Event size (default ${DEFAULT-VALUE}).")
  int bodyBytes;

  @Option(
      names = "--latency-phase",
      defaultValue = "5s",
      description = "Length of the paced latency phase.")
  String latencyPhase;

  @Option(
      names = "--raw-requests",
      defaultValue = "100000",
      description = "Requests of the raw client run.")
  int rawRequests;

  @Override
  public Integer call() throws Exception {
    load(Map.of("log.level", "WARN", "log.format", "text", "topics.partitions", "6"));
    FanoutCommand root = (FanoutCommand) spec.root().userObject();
    Bench.Options options =
        new Bench.Options(
            events,
            fanout,
            receivers,
            Durations.parse(receiverLatency),
            blackHoles,
            failing,
            bodyBytes,
            Durations.parse(latencyPhase),
            rawRequests);
    if (root.bootstrapServers != null) {
      Bench.run(config(), options, out());
      return ExitCodes.OK;
    }
    try (EmbeddedKafka broker = EmbeddedKafka.start()) {
      FanoutConfig config =
          config().with(Map.of("kafka.bootstrap.servers", broker.bootstrapServers()));
      Bench.run(config, options, out());
    }
    return ExitCodes.OK;
  }
}
