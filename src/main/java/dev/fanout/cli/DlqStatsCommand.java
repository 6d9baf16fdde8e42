package dev.fanout.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fanout.replay.DeadLetterFilter;
import dev.fanout.replay.DeadLetterStats;
import dev.fanout.replay.StoredDeadLetter;
import dev.fanout.replay.TopicScanner;
import java.io.PrintWriter;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "stats",
    description = {
      "Count dead letters by reason, webhook, space and event type, with the oldest and newest.",
      "Reads the topic (or the --since/--until range) once, up to its end when the command starts."
    })
final class DlqStatsCommand extends BaseCommand {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin DeadLetterFilterOptions filters;

  @Mixin OutputOption output;

  @Override
  public Integer call() throws Exception {
    DeadLetterFilter filter = filters.filter(spec.commandLine(), DlqCommand.CLOCK);
    DeadLetterStats stats = new DeadLetterStats();
    try (KafkaConsumer<byte[], byte[]> consumer = DlqCommand.reader(config())) {
      TopicScanner scanner = new TopicScanner(consumer, DlqCommand.CLOCK);
      scanner.scan(
          scanner.partitions(java.util.List.of(config().topics().dlq())),
          filter.range(),
          Map.of(),
          record -> {
            StoredDeadLetter d = StoredDeadLetter.of(record);
            if (filter.matches(d)) {
              stats.add(d);
            }
            return true;
          },
          new ProgressBar(err(), "dlq stats", null, DlqCommand.CLOCK));
    }
    if (output.json()) {
      out().println(JSON.writeValueAsString(json(stats)));
    } else {
      text(out(), stats);
    }
    out().flush();
    return ExitCodes.OK;
  }

  private static void text(PrintWriter out, DeadLetterStats stats) {
    out.printf("dead letters  %d%n", stats.total());
    if (stats.total() > 0) {
      out.printf("oldest        %s (at %s)%n", stats.oldest(), stats.oldestAt());
      out.printf("newest        %s (at %s)%n", stats.newest(), stats.newestAt());
    }
    section(out, "REASON", stats.reasons());
    section(out, "WEBHOOK", stats.webhooks());
    section(out, "SPACE", stats.spaces());
    section(out, "EVENT TYPE", stats.eventTypes());
  }

  private static void section(PrintWriter out, String title, Map<String, Long> counts) {
    out.println();
    out.printf("%-40s %s%n", title, "COUNT");
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> out.printf("%-40s %d%n", e.getKey(), e.getValue()));
  }

  private static ObjectNode json(DeadLetterStats stats) {
    ObjectNode root = JSON.createObjectNode();
    root.put("total", stats.total());
    root.put("oldest", stats.oldest() == null ? null : stats.oldest().toString());
    root.put("newest", stats.newest() == null ? null : stats.newest().toString());
    counts(root.putObject("reasons"), stats.reasons());
    counts(root.putObject("webhooks"), stats.webhooks());
    counts(root.putObject("spaces"), stats.spaces());
    counts(root.putObject("event_types"), stats.eventTypes());
    return root;
  }

  private static void counts(ObjectNode node, Map<String, Long> counts) {
    counts.forEach(node::put);
  }
}
