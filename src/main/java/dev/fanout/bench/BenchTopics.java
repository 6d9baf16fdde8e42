package dev.fanout.bench;

import dev.fanout.config.FanoutConfig;
import dev.fanout.kafka.KafkaClients;
import dev.fanout.kafka.RecordSender;
import dev.fanout.kafka.TopicAdmin;
import dev.fanout.retry.RetryTiers;
import dev.fanout.signing.RecordMac;
import dev.fanout.signing.SecretCipher;
import dev.fanout.signing.SigningSecret;
import dev.fanout.subscription.Subscription;
import dev.fanout.subscription.SubscriptionCodec;
import dev.fanout.subscription.kafka.KafkaSubscriptionWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A run's own topics on the broker, under a fresh prefix so that runs sharing a broker do not see
 * each other: creating them, registering the webhooks, producing events, and the census of the
 * retry tiers and the dead-letter topic at the end.
 */
final class BenchTopics {
  private final FanoutConfig config;
  private final KafkaClients clients;

  /** Secrets are encrypted as in production, under a key that lives only as long as the run. */
  private final SecretCipher cipher = SecretCipher.generate("bench");

  /** The worker's configuration for a run: {@code base} with the run's topics and group. */
  BenchTopics(FanoutConfig base) {
    String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> s = new LinkedHashMap<>();
    s.put("consumer.group-id", prefix);
    s.put("topics.events", prefix + ".events");
    s.put("topics.webhooks", prefix + ".webhooks");
    s.put("topics.dlq", prefix + ".dlq");
    s.put("topics.retry-prefix", prefix + ".retry.");
    s.put("topics.attempts", prefix + ".attempts");
    s.put("delivery.allowed-networks", "127.0.0.0/8");
    s.put("management.port", "-1");
    this.config = base.with(s);
    this.clients = new KafkaClients(config.kafka(), "bench");
  }

  FanoutConfig config() {
    return config;
  }

  /** The key the webhooks' secrets are encrypted under; the run's worker needs it. */
  SecretCipher cipher() {
    return cipher;
  }

  static String webhookId(int webhook) {
    return "wh_bench_" + webhook;
  }

  /** Creates the topics and registers one subscription per webhook, at the URL given. */
  List<Subscription> create(List<URI> urls) throws Exception {
    try (Admin admin = clients.admin("bench")) {
      TopicAdmin.createAll(admin, config);
    }
    SubscriptionCodec codec =
        new SubscriptionCodec(
            cipher, RecordMac.none(), SubscriptionCodec.Policy.of(config.security()));
    List<Subscription> webhooks = new ArrayList<>();
    for (int j = 0; j < urls.size(); j++) {
      String id = webhookId(j);
      byte[] json =
          codec.encode(
              id,
              EventBodies.SPACE,
              urls.get(j),
              List.of("*"),
              true,
              new SigningSecret(String.format("bench-secret-%06d", j)),
              "bench");
      webhooks.add(codec.decode(id, json));
    }
    try (KafkaProducer<byte[], byte[]> producer = clients.durableProducer("webhooks");
        RecordSender sender = new RecordSender(producer, "bench-webhooks-send")) {
      KafkaSubscriptionWriter writer =
          new KafkaSubscriptionWriter(sender, config.topics().webhooks());
      for (Subscription s : webhooks) {
        writer.put(s.id(), s.source()).get(30, TimeUnit.SECONDS);
      }
    }
    return webhooks;
  }

  /** A producer of events, batching for throughput. */
  KafkaProducer<byte[], byte[]> producer() {
    FanoutConfig batching =
        config.with(
            Map.of("kafka.producer.batch.size", "131072", "kafka.producer.linger.ms", "10"));
    return new KafkaClients(batching.kafka(), "bench").durableProducer("events");
  }

  /** Produces events {@code firstId} .. {@code firstId + count - 1} as fast as it can. */
  void produce(KafkaProducer<byte[], byte[]> producer, long firstId, int count, int bodyBytes) {
    for (int i = 0; i < count; i++) {
      producer.send(event(EventBodies.body(firstId + i, bodyBytes, false)));
    }
    producer.flush();
  }

  /**
   * Produces events at {@code perSecond} for {@code phase}, each stamped with its send time.
   *
   * @return events produced
   */
  int paced(
      KafkaProducer<byte[], byte[]> producer,
      long firstId,
      double perSecond,
      Duration phase,
      int bodyBytes)
      throws InterruptedException {
    long start = System.nanoTime();
    long end = start + phase.toNanos();
    int sent = 0;
    while (System.nanoTime() < end) {
      long wait = start + (long) (sent * 1e9 / perSecond) - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      producer.send(event(EventBodies.body(firstId + sent, bodyBytes, true)));
      sent++;
    }
    producer.flush();
    return sent;
  }

  private ProducerRecord<byte[], byte[]> event(byte[] body) {
    return new ProducerRecord<>(config.topics().events().get(0), null, body);
  }

  /**
   * Reads every retry tier ({@code topics.retry-prefix} + each distinct delay of the schedule) and
   * the dead-letter topic from the beginning with a fresh consumer, and counts their records.
   */
  TierCensus.Counts census(Set<String> healthyWebhookIds) {
    TierCensus census = new TierCensus(healthyWebhookIds, config.topics().retryPrefix());
    List<String> tiers =
        new RetryTiers(
                config.topics().retryPrefix(), config.retry().schedule(), config.retry().jitter())
            .topics();
    try (KafkaConsumer<byte[], byte[]> consumer = clients.assignedConsumer("census")) {
      TopicReader.readToEnd(consumer, tiers, Duration.ofMinutes(5), census::retries);
    }
    try (KafkaConsumer<byte[], byte[]> consumer = clients.assignedConsumer("census")) {
      TopicReader.readToEnd(
          consumer, List.of(config.topics().dlq()), Duration.ofMinutes(5), census::deadLetters);
    }
    return census.counts();
  }
}
