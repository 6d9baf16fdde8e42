package dev.fanout.admin.kafka;

import dev.fanout.admin.AdminFailure;
import dev.fanout.admin.ConfigTopic;
import dev.fanout.config.FanoutConfig;
import dev.fanout.kafka.KafkaClients;
import dev.fanout.kafka.RecordSender;
import dev.fanout.subscription.SubscriptionCodec;
import dev.fanout.subscription.SubscriptionIndex;
import dev.fanout.subscription.kafka.CompactedTopicSubscriptionStore;
import dev.fanout.subscription.kafka.KafkaSubscriptionWriter;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * {@link ConfigTopic} on Kafka. Each read is a fresh consumer reading every partition to the end
 * offsets of that moment, so it sees every write acknowledged before it began. The producer is made
 * on the first write and kept until {@link #close}. Not thread-safe: one command uses it.
 */
public final class KafkaConfigTopic implements ConfigTopic {
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(60);

  private final FanoutConfig config;
  private final SubscriptionCodec codec;
  private final KafkaClients clients;
  private KafkaProducer<byte[], byte[]> producer;
  private RecordSender sender;
  private KafkaSubscriptionWriter writer;

  public KafkaConfigTopic(FanoutConfig config, SubscriptionCodec codec) {
    this.config = config;
    this.codec = codec;
    this.clients = new KafkaClients(config.kafka(), "fanout");
  }

  @Override
  public SubscriptionIndex read(Consumer<String> refused) {
    SubscriptionIndex index = new SubscriptionIndex();
    try (KafkaConsumer<byte[], byte[]> consumer = clients.assignedConsumer("cli")) {
      new CompactedTopicSubscriptionStore(
              consumer,
              config.topics().webhooks(),
              codec,
              index,
              (key, reason) -> refused.accept(key))
          .readToEnd();
    }
    return index;
  }

  @Override
  public void write(String id, byte[] valueOrNull) {
    if (writer == null) {
      producer = clients.durableProducer("cli");
      sender = new RecordSender(producer, "fanout-cli-send");
      writer = new KafkaSubscriptionWriter(sender, config.topics().webhooks());
    }
    try {
      (valueOrNull == null ? writer.delete(id) : writer.put(id, valueOrNull))
          .get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AdminFailure("could not write webhook " + id + ": " + e.getCause().getMessage());
    } catch (TimeoutException e) {
      throw new AdminFailure(
          "could not write webhook "
              + id
              + ": no acknowledgement in "
              + WRITE_TIMEOUT.toSeconds()
              + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AdminFailure("interrupted while writing webhook " + id);
    }
  }

  @Override
  public void close() {
    if (sender != null) {
      try {
        sender.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
  }
}
