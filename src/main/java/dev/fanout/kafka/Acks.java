package dev.fanout.kafka;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/** Sends a record and turns the broker's acknowledgement into a future. */
public final class Acks {
  private Acks() {}

  /**
   * Completes when the broker acknowledged the record; exceptionally when the send failed, or could
   * not even be started (a closed producer, a serialisation error).
   */
  public static CompletableFuture<RecordMetadata> send(
      Producer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record) {
    CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
    try {
      producer.send(
          record,
          (metadata, error) -> {
            if (error == null) {
              acked.complete(metadata);
            } else {
              acked.completeExceptionally(error);
            }
          });
    } catch (RuntimeException e) {
      acked.completeExceptionally(e);
    }
    return acked;
  }
}
