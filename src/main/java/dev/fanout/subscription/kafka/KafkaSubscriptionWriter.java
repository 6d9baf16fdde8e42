package dev.fanout.subscription.kafka;

import dev.fanout.kafka.FanoutHeaders;
import dev.fanout.kafka.RecordSender;
import dev.fanout.subscription.SubscriptionWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes subscriptions to the compacted config topic, keyed by webhook id. A worker stamps its
 * records with its own writer id ({@code fanout.writer}), so it can tell its own writes when it
 * reads them back.
 */
public final class KafkaSubscriptionWriter implements SubscriptionWriter {
  private final RecordSender sender;
  private final String topic;
  private final byte[] writerId;

  public KafkaSubscriptionWriter(RecordSender sender, String topic) {
    this(sender, topic, null);
  }

  /**
   * @param writerId stamped on every record; null for none
   */
  public KafkaSubscriptionWriter(RecordSender sender, String topic, String writerId) {
    this.sender = sender;
    this.topic = topic;
    this.writerId = writerId == null ? null : writerId.getBytes(StandardCharsets.UTF_8);
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
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8), value);
    if (writerId != null) {
      record.headers().add(FanoutHeaders.WRITER, writerId);
    }
    return sender.send(record).thenApply(metadata -> null);
  }
}
