package dev.fanout.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.fanout.config.FanoutConfig;
import dev.fanout.kafka.KafkaClients;
import dev.fanout.kafka.RecordSender;
import dev.fanout.signing.SecretCipher;
import dev.fanout.subscription.EventPattern;
import dev.fanout.subscription.InvalidSubscriptionException;
import dev.fanout.subscription.Subscription;
import dev.fanout.subscription.SubscriptionCodec;
import dev.fanout.subscription.SubscriptionIndex;
import dev.fanout.subscription.kafka.CompactedTopicSubscriptionStore;
import dev.fanout.subscription.kafka.KafkaSubscriptionWriter;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "webhooks",
    description = "Manage webhook subscriptions (records of the compacted config topic).",
    subcommands = {
      WebhooksAddCommand.class,
      WebhooksCommand.ListWebhooks.class,
      WebhooksCommand.Delete.class
    })
final class WebhooksCommand {
  static final ObjectMapper JSON = new ObjectMapper();

  /** The subscription table as it is now: the config topic read to its end. */
  static SubscriptionIndex readTable(FanoutConfig config, SecretCipher cipher) {
    SubscriptionIndex index = new SubscriptionIndex();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaClients(config.kafka(), "fanout").assignedConsumer("cli")) {
      new CompactedTopicSubscriptionStore(
              consumer,
              config.topics().webhooks(),
              BaseCommand.codec(config, cipher),
              index,
              (key, reason) -> {})
          .readToEnd();
    }
    return index;
  }

  static void write(FanoutConfig config, String id, byte[] valueOrNull) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer =
            new KafkaClients(config.kafka(), "fanout").durableProducer("cli");
        RecordSender sender = new RecordSender(producer, "fanout-cli-send")) {
      KafkaSubscriptionWriter writer =
          new KafkaSubscriptionWriter(sender, config.topics().webhooks());
      (valueOrNull == null ? writer.delete(id) : writer.put(id, valueOrNull))
          .get(60, TimeUnit.SECONDS);
    }
  }

  static List<EventPattern> patterns(picocli.CommandLine cli, String events) {
    try {
      return java.util.Arrays.stream(events.split(","))
          .map(String::trim)
          .filter(s -> !s.isEmpty())
          .map(EventPattern::new)
          .toList();
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(cli, "--events: " + e.getMessage());
    }
  }

  @Command(name = "list", description = "List every subscription (secrets are never shown).")
  static final class ListWebhooks extends BaseCommand {
    @Option(names = "--space", description = "Only this space.")
    String space;

    @Option(names = "--output", description = "text or json", defaultValue = "text")
    String output;

    @Override
    public Integer call() throws Exception {
      List<Subscription> all =
          readTable(config(), cipher()).all().stream()
              .filter(s -> space == null || s.spaceId().equals(space))
              .sorted(Comparator.comparing(Subscription::spaceId).thenComparing(Subscription::id))
              .toList();
      if (output.equals("json")) {
        ArrayNode array = JSON.createArrayNode();
        all.forEach(s -> array.add(SubscriptionCodec.describe(s)));
        out().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(array));
      } else {
        out()
            .printf(
                "%-26s %-14s %-8s %-6s %-30s %s%n",
                "ID", "SPACE", "ENABLED", "SIGNED", "EVENTS", "URL");
        for (Subscription s : all) {
          out()
              .printf(
                  "%-26s %-14s %-8s %-6s %-30s %s%n",
                  s.id(),
                  s.spaceId(),
                  s.enabled() ? "yes" : "no",
                  s.secret() != null ? "yes" : "no",
                  String.join(",", s.events().stream().map(EventPattern::text).toList()),
                  s.url());
        }
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "delete", description = "Delete a subscription (writes a tombstone).")
  static final class Delete extends BaseCommand {
    @Parameters(paramLabel = "ID", description = "Webhook id (wh_...).")
    String id;

    @Override
    public Integer call() throws Exception {
      if (readTable(config(), cipher()).get(id).isEmpty()) {
        throw new CommandFailure("no webhook " + id);
      }
      write(config(), id, null);
      out().println("deleted " + id);
      return ExitCodes.OK;
    }
  }

  static void checkUrl(picocli.CommandLine cli, String url) {
    try {
      SubscriptionCodec.url(url);
    } catch (InvalidSubscriptionException e) {
      throw new picocli.CommandLine.ParameterException(cli, "--url: " + e.getMessage());
    }
  }
}
