package dev.fanout.cli;

import dev.fanout.config.FanoutConfig;
import dev.fanout.replay.EventResend;
import dev.fanout.replay.Handover;
import dev.fanout.replay.HandoverSummary;
import dev.fanout.replay.TopicScanner;
import dev.fanout.subscription.Subscription;
import java.io.PrintWriter;
import java.time.Instant;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "resend",
    description = {
      "Send a period of events again to one webhook (a subscriber who lost them).",
      "Every event of the event topics with a record time in [--since, --until) that the webhook",
      "subscribes to goes to that webhook only, through the running workers, under its original",
      "delivery id."
    })
final class EventsResendCommand extends BaseCommand {
  @Option(names = "--webhook", required = true, paramLabel = "ID", description = "Webhook id.")
  String webhook;

  @Option(
      names = "--since",
      required = true,
      paramLabel = "TIME",
      description = "Events at or after TIME: RFC 3339 (2026-11-28T12:00:00Z) or ago (24h).")
  String since;

  @Option(
      names = "--until",
      paramLabel = "TIME",
      description = "Events before TIME (default: up to the end when the command starts).")
  String until;

  @Option(names = "--event-type", paramLabel = "TYPE", description = "Only this event type.")
  String eventType;

  @Option(names = "--dry-run", description = "Hand nothing over; print what would be.")
  boolean dryRun;

  @Option(names = "--rate", paramLabel = "N", description = "Hand over at most N a second.")
  Integer rate;

  @Override
  public Integer call() throws Exception {
    var cli = spec.commandLine();
    Instant from = DeadLetterFilterOptions.time(cli, "--since", since, DlqCommand.CLOCK);
    Instant to = DeadLetterFilterOptions.time(cli, "--until", until, DlqCommand.CLOCK);
    if (to != null && !from.isBefore(to)) {
      throw new picocli.CommandLine.ParameterException(cli, "--since must be before --until");
    }
    DlqCommand.checkRate(cli, rate);
    FanoutConfig config = config();
    Subscription target =
        webhookTable().get(webhook).orElseThrow(() -> new CommandFailure("no webhook " + webhook));
    if (!target.enabled()) {
      throw new CommandFailure("webhook " + webhook + " is disabled");
    }
    PrintWriter out = out();
    PrintedHandovers listener = new PrintedHandovers(out, dryRun, false);
    HandoverSummary summary;
    try (KafkaConsumer<byte[], byte[]> consumer = DlqCommand.reader(config);
        Handover handover = dryRun ? Handover.dryRun() : DlqCommand.handover(config, null, rate)) {
      TopicScanner scanner = new TopicScanner(consumer, DlqCommand.CLOCK);
      summary =
          new EventResend(
                  scanner,
                  scanner.partitions(config.topics().events()),
                  config.delivery().maxBodyBytes(),
                  DlqCommand.firstTier(config),
                  DlqCommand.CLOCK)
              .run(
                  target,
                  from,
                  to,
                  eventType,
                  handover,
                  listener,
                  new ProgressBar(err(), "events resend", listener::progress, DlqCommand.CLOCK));
    }
    out.printf("%-28s %d%n", "scanned", summary.scanned());
    out.printf("%-28s %d%n", "matched", summary.matched());
    out.printf("%-28s %d%n", dryRun ? "would hand over" : "handed over", summary.handedOver());
    out.flush();
    return ExitCodes.OK;
  }
}
