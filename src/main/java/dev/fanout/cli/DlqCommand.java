package dev.fanout.cli;

import dev.fanout.config.FanoutConfig;
import dev.fanout.kafka.KafkaClients;
import dev.fanout.replay.Handover;
import dev.fanout.replay.HandoverSummary;
import dev.fanout.replay.Skip;
import dev.fanout.replay.TransactionalHandover;
import dev.fanout.retry.RetryTiers;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import picocli.CommandLine.Command;

@Command(
    name = "dlq",
    description = "Inspect and replay the dead-letter topic (topics.dlq).",
    subcommands = {DlqStatsCommand.class, DlqListCommand.class, DlqReplayCommand.class})
final class DlqCommand {
  static final Clock CLOCK = Clock.systemUTC();

  private DlqCommand() {}

  /**
   * A consumer for scans. It reads committed records only, as the workers do: an event of an
   * aborted transaction was never delivered and is never resent.
   */
  static KafkaConsumer<byte[], byte[]> reader(FanoutConfig config) {
    return new KafkaClients(config.kafka(), "fanout")
        .assignedConsumer(
            "cli-scan", Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
  }

  /** The retry tier replays and resends write to: the first, so the workers take them at once. */
  static String firstTier(FanoutConfig config) {
    RetryTiers tiers =
        new RetryTiers(
            config.topics().retryPrefix(), config.retry().schedule(), config.retry().jitter());
    return tiers.topic(tiers.smallest());
  }

  /** The consumer group a {@code --resume NAME} replay keeps its place in. */
  static String resumeGroup(FanoutConfig config, String name) {
    return config.kafka().groupId() + "-replay-" + name;
  }

  /**
   * A transactional handover. With a resume name the transactional id is fixed, so a second run of
   * the same name fences the first and aborts what it left open; without one it is unique.
   */
  static Handover handover(FanoutConfig config, String resumeName, Integer rate) {
    String transactionalId =
        resumeName != null
            ? resumeGroup(config, resumeName)
            : config.kafka().groupId() + "-replay-" + UUID.randomUUID();
    RateLimiter limiter = null;
    if (rate != null) {
      limiter =
          RateLimiter.of(
              "replay",
              RateLimiterConfig.custom()
                  .limitForPeriod(rate)
                  .limitRefreshPeriod(Duration.ofSeconds(1))
                  .timeoutDuration(Duration.ofMillis(500))
                  .build());
    }
    return new TransactionalHandover(
        new KafkaClients(config.kafka(), "fanout")
            .transactionalProducer("cli-replay", transactionalId, Duration.ofSeconds(30)),
        resumeName == null ? null : resumeGroup(config, resumeName),
        limiter,
        CLOCK);
  }

  static void printSummary(PrintWriter out, HandoverSummary s, boolean dryRun) {
    out.printf("%-28s %d%n", "scanned", s.scanned());
    out.printf("%-28s %d%n", "matched", s.matched());
    out.printf("%-28s %d%n", dryRun ? "would hand over" : "handed over", s.handedOver());
    for (Skip why : Skip.values()) {
      out.printf("%-28s %d%n", "skipped, " + why.label(), s.skipped(why));
    }
    out.flush();
  }

  static void checkRate(picocli.CommandLine cli, Integer rate) {
    if (rate != null && rate < 1) {
      throw new picocli.CommandLine.ParameterException(cli, "--rate must be at least 1: " + rate);
    }
  }
}
