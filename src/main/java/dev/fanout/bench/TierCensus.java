package dev.fanout.bench;

import dev.fanout.kafka.FanoutHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Counts what the worker wrote to the retry tiers and the dead-letter topic, by whose it was: a
 * healthy webhook's (header {@code fanout.webhook.id}) or a troubled one's, per tier, and dead
 * letters per {@code fanout.reason}. Not thread-safe.
 */
final class TierCensus {
  /** The counts of one run. */
  record Counts(
      long healthyRetries,
      long troubledRetries,
      long unattributedRetries,
      Map<String, Long> retriesByTier,
      long healthyDeadLetters,
      long deadLetters,
      Map<String, Long> deadLettersByReason) {}

  private final Set<String> healthyWebhooks;
  private final String retryPrefix;
  private long healthyRetries;
  private long troubledRetries;
  private long unattributedRetries;
  private final Map<String, Long> retriesByTier = new TreeMap<>();
  private long healthyDeadLetters;
  private long deadLetters;
  private final Map<String, Long> deadLettersByReason = new TreeMap<>();

  TierCensus(Set<String> healthyWebhooks, String retryPrefix) {
    this.healthyWebhooks = Set.copyOf(healthyWebhooks);
    this.retryPrefix = retryPrefix;
  }

  /** Counts records read from retry tier topics. */
  void retries(Iterable<? extends ConsumerRecord<?, ?>> records) {
    for (ConsumerRecord<?, ?> r : records) {
      String tier =
          r.topic().startsWith(retryPrefix) ? r.topic().substring(retryPrefix.length()) : r.topic();
      retriesByTier.merge(tier, 1L, Long::sum);
      String webhook = header(r, FanoutHeaders.WEBHOOK_ID);
      if (webhook == null) {
        unattributedRetries++;
      } else if (healthyWebhooks.contains(webhook)) {
        healthyRetries++;
      } else {
        troubledRetries++;
      }
    }
  }

  /** Counts records read from the dead-letter topic. */
  void deadLetters(Iterable<? extends ConsumerRecord<?, ?>> records) {
    for (ConsumerRecord<?, ?> r : records) {
      deadLetters++;
      String reason = header(r, FanoutHeaders.REASON);
      deadLettersByReason.merge(reason == null ? "(none)" : reason, 1L, Long::sum);
      String webhook = header(r, FanoutHeaders.WEBHOOK_ID);
      if (webhook != null && healthyWebhooks.contains(webhook)) {
        healthyDeadLetters++;
      }
    }
  }

  Counts counts() {
    return new Counts(
        healthyRetries,
        troubledRetries,
        unattributedRetries,
        Map.copyOf(retriesByTier),
        healthyDeadLetters,
        deadLetters,
        Map.copyOf(deadLettersByReason));
  }

  private static String header(ConsumerRecord<?, ?> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
