package dev.fanout.cli;

import dev.fanout.app.FanoutWorker;
import dev.fanout.config.FanoutConfig;
import dev.fanout.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "worker",
    description = {
      "Consumes events and delivers them to webhooks until stopped.",
      "SIGTERM stops consuming, lets in-flight deliveries finish (shutdown.timeout), commits, exits."
    })
final class WorkerCommand extends BaseCommand {
  @Option(
      names = "--embedded-kafka",
      description = "Start a single-node Kafka broker in this process and use it.")
  boolean embeddedKafka;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "With --embedded-kafka: keep the broker's data here (default: a temp dir).")
  Path dataDir;

  @Override
  public Integer call() throws Exception {
    load(Map.of());
    FanoutConfig config = config();
    EmbeddedKafka broker = null;
    if (embeddedKafka) {
      BundledTools.onClassPath().requireEmbeddedBroker("worker --embedded-kafka");
      broker = dataDir == null ? EmbeddedKafka.start() : EmbeddedKafka.start(dataDir, false);
      config = config.with(Map.of("kafka.bootstrap.servers", broker.bootstrapServers()));
      TopicsCommand.createAll(config, out());
      out().println("Embedded Kafka broker: " + broker.bootstrapServers());
      out().flush();
    }
    FanoutWorker worker;
    try {
      worker = FanoutWorker.start(config, cipher(), recordKeys(), Clock.systemUTC());
    } catch (RuntimeException e) {
      if (broker != null) {
        broker.close();
      }
      throw new CommandFailure(e.getMessage());
    }
    EmbeddedKafka ownedBroker = broker;
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    worker.close();
                    if (ownedBroker != null) {
                      ownedBroker.close();
                    }
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  } finally {
                    stopped.countDown();
                  }
                },
                "fanout-shutdown"));
    stopped.await();
    return ExitCodes.OK;
  }
}
