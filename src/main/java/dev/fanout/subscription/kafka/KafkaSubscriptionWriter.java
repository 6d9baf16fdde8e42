package dev.fanout.subscription.kafka;

import dev.fanout.kafka.RecordSender;
import dev.fanout.subscription.SubscriptionWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes subscriptions to the compacted config topic, keyed by webhook id. */
public final class KafkaSubscriptionWriter implements SubscriptionWriter {
  private final RecordSender sender;
  private final String topic;

  public KafkaSubscriptionWriter(RecordSender sender, String topic) {
    this.sender = sender;
    this.topic = topic;
  }

  @Override
  public CompletableFuture<Void> put(String id, byte[] value) {
    return send(id, value);
  }

  @Override
  public CompletableFuture<Void> delete(String id) {
    return send(id, null);
  }

  private CompletableFuture<Void> send(String id, byte[] value) {
    return sender
        .send(new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8), value))
        .thenApply(metadata -> null);
  }
}
