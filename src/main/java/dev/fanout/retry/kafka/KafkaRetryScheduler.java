package dev.fanout.retry.kafka;

import dev.fanout.delivery.DeliveryTask;
import dev.fanout.delivery.Retries;
import dev.fanout.kafka.RecordSender;
import dev.fanout.retry.RetryRecords;
import dev.fanout.retry.RetryScheduler;
import dev.fanout.retry.RetryTiers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.errors.RecordTooLargeException;

/** Schedules retries by writing them to the retry tier topic that covers their wait. */
public final class KafkaRetryScheduler implements RetryScheduler {
  private final RecordSender sender;
  private final RetryTiers tiers;
  private final Clock clock;

  public KafkaRetryScheduler(RecordSender sender, RetryTiers tiers, Clock clock) {
    this.sender = sender;
    this.tiers = tiers;
    this.clock = clock;
  }

  @Override
  public CompletableFuture<String> schedule(DeliveryTask task, Instant dueAt) {
    Duration wait = Duration.between(clock.instant(), dueAt);
    Duration tier = tiers.tierFor(wait.isNegative() ? Duration.ZERO : wait);
    return sender
        .send(RetryRecords.write(tiers.topic(tier), task, dueAt))
        .handle(
            (metadata, error) -> {
              if (error == null) {
                return RetryTiers.name(tier);
              }
              Throwable cause = error.getCause() != null ? error.getCause() : error;
              if (cause instanceof RecordTooLargeException) {
                throw new Retries.Refused("record too large for " + tiers.topic(tier));
              }
              throw error instanceof CompletionException c ? c : new CompletionException(error);
            });
  }
}
