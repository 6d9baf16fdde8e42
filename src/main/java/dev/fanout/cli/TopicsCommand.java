package dev.fanout.cli;

import dev.fanout.config.FanoutConfig;
import dev.fanout.kafka.KafkaClients;
import dev.fanout.kafka.TopicAdmin;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;

@Command(
    name = "topics",
    description = "Manage Fanout's Kafka topics.",
    subcommands = {TopicsCommand.Create.class})
final class TopicsCommand {

  @Command(
      name = "create",
      description = {
        "Create every topic Fanout uses, with its settings (idempotent: existing ones are kept).",
        "Partitions: topics.partitions; replication: topics.replication-factor."
      })
  static final class Create extends BaseCommand {
    @Override
    public Integer call() throws Exception {
      createAll(config(), out());
      return ExitCodes.OK;
    }
  }

  static void createAll(FanoutConfig config, PrintWriter out)
      throws InterruptedException, ExecutionException {
    try (Admin admin = new KafkaClients(config.kafka(), "fanout").admin("topics")) {
      List<TopicAdmin.Result> results = TopicAdmin.createAll(admin, config);
      for (TopicAdmin.Result r : results) {
        out.printf("%-8s %s%n", r.created() ? "created" : "exists", r.topic());
      }
      out.flush();
    }
  }
}
