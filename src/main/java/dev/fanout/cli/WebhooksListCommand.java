package dev.fanout.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.fanout.admin.Webhooks;
import dev.fanout.subscription.EventPattern;
import dev.fanout.subscription.Subscription;
import dev.fanout.subscription.SubscriptionCodec;
import dev.fanout.text.SafeText;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "list", description = "List every subscription (secrets are never shown).")
final class WebhooksListCommand extends BaseCommand {
  private static final String ROW = "%-26s %-14s %-8s %-6s %-30s %s%n";

  @Option(names = "--space", description = "Only this space.")
  String space;

  @Mixin OutputOption output;

  @Override
  public Integer call() throws Exception {
    List<Subscription> all;
    try (Webhooks webhooks = webhooks()) {
      all =
          webhooks.all().stream()
              .filter(s -> space == null || s.spaceId().equals(space))
              .sorted(Comparator.comparing(Subscription::spaceId).thenComparing(Subscription::id))
              .toList();
    }
    if (output.json()) {
      ArrayNode array = JSON.createArrayNode();
      all.forEach(s -> array.add(SubscriptionCodec.describe(s)));
      out().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(array));
      return ExitCodes.OK;
    }
    out().printf(ROW, "ID", "SPACE", "ENABLED", "SIGNED", "EVENTS", "URL");
    for (Subscription s : all) {
      out()
          .printf(
              ROW,
              SafeText.escape(s.id()),
              SafeText.escape(s.spaceId()),
              s.enabled() ? "yes" : "no",
              s.secret() != null ? "yes" : "no",
              SafeText.escape(
                  String.join(",", s.events().stream().map(EventPattern::text).toList())),
              SafeText.escape(s.url().toString()));
    }
    return ExitCodes.OK;
  }
}
