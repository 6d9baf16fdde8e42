package dev.fanout.cli;

import dev.fanout.config.FanoutConfig;
import dev.fanout.kafka.KafkaClients;
import dev.fanout.replay.DeadLetterFilter;
import dev.fanout.replay.DeadLetterReplay;
import dev.fanout.replay.Handover;
import dev.fanout.replay.HandoverSummary;
import dev.fanout.replay.TopicScanner;
import dev.fanout.subscription.Subscription;
import dev.fanout.subscription.SubscriptionIndex;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "replay",
    description = {
      "Deliver matching dead letters again, each to its own webhook only (or --to-webhook).",
      "It goes through the running workers: each becomes a retry due now in the first retry tier, signed",
      "with the webhook's current secret and keeping its delivery id. Dead letters whose webhook",
      "is deleted or disabled, that are not deliveries, or whose value was omitted are skipped",
      "and reported. With --resume NAME the run remembers how far it got (consumer group",
      "<consumer.group-id>-replay-NAME) and a later run of that name goes on from there."
    })
final class DlqReplayCommand extends BaseCommand {
  @Mixin DeadLetterFilterOptions filters;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "Deal with at most N matching dead letters.")
  Long limit;

  @Option(names = "--dry-run", description = "Hand nothing over; print what would be.")
  boolean dryRun;

  @Option(names = "--rate", paramLabel = "N", description = "Hand over at most N a second.")
  Integer rate;

  @Option(
      names = "--to-webhook",
      paramLabel = "ID",
      description = "Deliver to this webhook instead of each dead letter's own.")
  String toWebhook;

  @Option(
      names = "--resume",
      paramLabel = "NAME",
      description = "Start after what earlier runs of NAME handed over, and record progress.")
  String resume;

  @Override
  public Integer call() throws Exception {
    DeadLetterFilter filter = filters.filter(spec.commandLine(), DlqCommand.CLOCK);
    DlqCommand.checkRate(spec.commandLine(), rate);
    if (limit != null && limit < 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--limit must be > 0");
    }
    if (resume != null && !resume.matches("[A-Za-z0-9._-]+")) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--resume: use letters, digits, '.', '_' and '-' only");
    }
    FanoutConfig config = config();
    SubscriptionIndex table = webhookTable();
    if (toWebhook != null) {
      Subscription target =
          table.get(toWebhook).orElseThrow(() -> new CommandFailure("no webhook " + toWebhook));
      if (!target.enabled()) {
        throw new CommandFailure("webhook " + toWebhook + " is disabled");
      }
    }
    Map<TopicPartition, Long> resumeFrom =
        resume == null ? Map.of() : committed(config, DlqCommand.resumeGroup(config, resume));
    PrintWriter out = out();
    PrintedHandovers listener = new PrintedHandovers(out, dryRun, true);
    HandoverSummary summary;
    try (KafkaConsumer<byte[], byte[]> consumer = DlqCommand.reader(config);
        Handover handover =
            dryRun ? Handover.dryRun() : DlqCommand.handover(config, resume, rate)) {
      TopicScanner scanner = new TopicScanner(consumer, DlqCommand.CLOCK);
      DeadLetterReplay replay =
          new DeadLetterReplay(
              scanner,
              scanner.partitions(List.of(config.topics().dlq())),
              table,
              DlqCommand.firstTier(config),
              DlqCommand.CLOCK);
      summary =
          replay.run(
              new DeadLetterReplay.Options(filter, limit, toWebhook),
              resumeFrom,
              handover,
              listener,
              new ProgressBar(err(), "dlq replay", listener::progress, DlqCommand.CLOCK));
    }
    DlqCommand.printSummary(out, summary, dryRun);
    return ExitCodes.OK;
  }

  /**
   * Where earlier runs of a resume name stopped, per partition. Waits for offsets of a transaction
   * still being completed ({@code requireStable}), so a run that just ended is always seen whole.
   */
  private static Map<TopicPartition, Long> committed(FanoutConfig config, String group)
      throws Exception {
    try (Admin admin = new KafkaClients(config.kafka(), "fanout").admin("cli-resume")) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets(
                  group, new ListConsumerGroupOffsetsOptions().requireStable(true))
              .partitionsToOffsetAndMetadata()
              .get(60, TimeUnit.SECONDS);
      Map<TopicPartition, Long> from = new HashMap<>();
      offsets.forEach(
          (tp, o) -> {
            if (o != null) {
              from.put(tp, o.offset());
            }
          });
      return from;
    }
  }
}
