package dev.fanout.kafka;

import dev.fanout.config.Durations;
import dev.fanout.config.FanoutConfig;
import dev.fanout.retry.RetryTiers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates every topic of the contract with its settings. Idempotent: existing topics are left as
 * they are (their partitions and settings are not changed).
 */
public final class TopicAdmin {
  private TopicAdmin() {}

  /** A topic and whether this call created it. */
  public record Result(String topic, boolean created) {}

  /** Room for Fanout's headers on top of an event body, in retry and dead-letter records. */
  static final int HEADER_ROOM = 64 * 1024;

  /** The largest record Fanout writes: the largest event it accepts, plus its headers. */
  public static int maxRecordBytes(FanoutConfig.Delivery delivery) {
    return delivery.maxBodyBytes() + HEADER_ROOM;
  }

  public static List<NewTopic> plan(FanoutConfig config) {
    FanoutConfig.Topics t = config.topics();
    int partitions = t.partitions();
    short replication = t.replicationFactor();
    // Retry and dead-letter records carry a whole event plus headers, so they may exceed the
    // broker's default message size when events come close to it.
    Map<String, String> sized =
        Map.of(
            TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
            Integer.toString(Math.max(1024 * 1024, maxRecordBytes(config.delivery()))));
    Map<String, NewTopic> topics = new LinkedHashMap<>();
    for (String events : t.events()) {
      topics.put(events, new NewTopic(events, partitions, replication));
    }
    // One partition: the table is small, and one partition keeps every change in write order.
    topics.put(
        t.webhooks(),
        new NewTopic(t.webhooks(), 1, replication)
            .configs(
                Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG,
                    TopicConfig.CLEANUP_POLICY_COMPACT,
                    TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG,
                    "60000")));
    for (Duration delay : config.retry().schedule()) {
      String name = t.retryPrefix() + Durations.format(delay);
      topics.putIfAbsent(name, new NewTopic(name, partitions, replication).configs(sized));
    }
    topics.put(t.dlq(), new NewTopic(t.dlq(), partitions, replication).configs(sized));
    topics.put(
        t.attempts(),
        new NewTopic(t.attempts(), partitions, replication)
            .configs(
                Map.of(
                    TopicConfig.RETENTION_MS_CONFIG,
                    Long.toString(t.attemptsRetention().toMillis()))));
    return List.copyOf(topics.values());
  }

  public static List<Result> createAll(Admin admin, FanoutConfig config)
      throws InterruptedException, ExecutionException {
    List<NewTopic> plan = plan(config);
    Set<String> existing = admin.listTopics().names().get();
    List<NewTopic> missing = plan.stream().filter(n -> !existing.contains(n.name())).toList();
    List<Result> results = new ArrayList<>();
    var outcome = admin.createTopics(missing).values();
    for (NewTopic topic : plan) {
      boolean created = false;
      if (outcome.containsKey(topic.name())) {
        try {
          outcome.get(topic.name()).get();
          created = true;
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
      results.add(new Result(topic.name(), created));
    }
    return results;
  }

  /**
   * Checks that the topics a worker writes to exist (the attempts topic only with {@code
   * history.enabled}), so that a missing one stops the start with its name instead of blocking
   * writes later; returns the retry tier topics that exist but are not in {@code retry.schedule}
   * (left by an earlier schedule: their records are still consumed).
   *
   * @throws IllegalStateException naming every missing topic
   */
  public static List<String> requireWorkerTopics(Admin admin, FanoutConfig config)
      throws InterruptedException, ExecutionException, TimeoutException {
    Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
    RetryTiers tiers =
        new RetryTiers(
            config.topics().retryPrefix(), config.retry().schedule(), config.retry().jitter());
    List<String> required = new ArrayList<>(tiers.topics());
    required.add(config.topics().dlq());
    required.add(config.topics().webhooks());
    if (config.history().enabled()) {
      required.add(config.topics().attempts());
    }
    List<String> missing = required.stream().filter(t -> !existing.contains(t)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "topics missing: "
              + String.join(", ", missing)
              + "; create them with `fanout topics create`");
    }
    return existing.stream()
        .filter(t -> tiers.anyTier().matcher(t).matches() && !tiers.topics().contains(t))
        .sorted()
        .toList();
  }
}
