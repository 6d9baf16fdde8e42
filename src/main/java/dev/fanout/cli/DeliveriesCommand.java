package dev.fanout.cli;

import dev.fanout.config.Durations;
import dev.fanout.config.FanoutConfig;
import dev.fanout.history.DeliveryHistory;
import dev.fanout.history.kafka.KafkaDeliveryHistory;
import dev.fanout.kafka.KafkaClients;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
    name = "deliveries",
    description = "Delivery history: every attempt, hold and dead letter (topics.attempts).",
    subcommands = {DeliveriesListCommand.class, DeliveriesShowCommand.class})
final class DeliveriesCommand {
  private DeliveriesCommand() {}

  static DeliveryHistory open(FanoutConfig config) {
    return new KafkaDeliveryHistory(
        new KafkaClients(config.kafka(), "fanout").assignedConsumer("cli-deliveries"),
        config.topics().attempts(),
        config.topics().dlq());
  }

  /** An RFC 3339 instant, or a duration back from now ({@code 1h}, {@code 2d}). */
  static Instant since(CommandLine cli, String text, Clock clock) {
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException notAnInstant) {
      try {
        return clock.instant().minus(Durations.parse(text));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(
            cli, "--since: '" + text + "' is neither an RFC 3339 time nor a duration like 1h");
      }
    }
  }
}
