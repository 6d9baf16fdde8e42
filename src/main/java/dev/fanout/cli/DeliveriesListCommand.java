package dev.fanout.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fanout.history.DeliveryHistory;
import dev.fanout.history.DeliverySummary;
import java.time.Clock;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fanout deliveries list}: the latest deliveries of one webhook, one line each. */
@Command(
    name = "list",
    description = "The latest deliveries of a webhook, newest first, from the attempts topic.")
final class DeliveriesListCommand extends BaseCommand {
  @Option(names = "--webhook", required = true, paramLabel = "ID", description = "Webhook id.")
  String webhookId;

  @Option(
      names = "--since",
      paramLabel = "TIME",
      description = "Only records since this RFC 3339 time, or this long ago (1h, 2d).")
  String since;

  @Option(names = "--failed", description = "Only deliveries not (yet) delivered.")
  boolean failed;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "50",
      description = "Deliveries shown at most (default ${DEFAULT-VALUE}); bounds memory.")
  int limit;

  @Mixin OutputOption output;

  @Override
  public Integer call() throws Exception {
    if (limit < 1 || limit > 100_000) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--limit: " + limit + " is outside 1..100000");
    }
    var from = DeliveriesCommand.since(spec.commandLine(), since, Clock.systemUTC());
    List<DeliverySummary> latest;
    try (DeliveryHistory history = DeliveriesCommand.open(config())) {
      latest = history.latest(webhookId, from, failed, limit, err()::println);
    }
    if (output.json()) {
      ArrayNode array = JSON.createArrayNode();
      for (DeliverySummary s : latest) {
        ObjectNode o = array.addObject();
        o.put("delivery_id", s.deliveryId());
        o.put("webhook_id", s.webhookId());
        o.put("event_id", s.eventId());
        o.put("event_type", s.eventType());
        o.put("attempts", s.attempts());
        o.put("replays", s.replays());
        o.put("status", s.status());
        o.put("state", s.state());
        o.put("at", s.at().toString());
      }
      out().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(array));
      return ExitCodes.OK;
    }
    String format = "%-36s %-24s %-24s %8s %7s %6s %-14s %s%n";
    out()
        .printf(
            format, "DELIVERY", "EVENT", "TYPE", "ATTEMPTS", "REPLAYS", "STATUS", "STATE", "AT");
    for (DeliverySummary s : latest) {
      out()
          .printf(
              format,
              s.deliveryId(),
              s.eventId(),
              s.eventType(),
              s.attempts(),
              s.replays(),
              s.status() == 0 ? "-" : Integer.toString(s.status()),
              s.state(),
              s.at());
    }
    return ExitCodes.OK;
  }
}
