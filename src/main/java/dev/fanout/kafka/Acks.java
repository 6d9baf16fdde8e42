package dev.fanout.kafka;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Sends a record and turns the broker's acknowledgement into a future, without ever blocking the
 * caller.
 *
 * <p>{@code Producer.send} blocks for up to {@code max.block.ms} (60 s by default) when it has no
 * metadata for the topic or its buffer is full, as during a broker or partition outage. Fanout
 * sends from its consumer loops, which must keep polling to keep their group membership, so every
 * send is made from one dedicated daemon thread instead. Records queue there in order; how many is
 * bounded by the tasks in flight, each of which has at most one write outstanding.
 */
public final class Acks {
  private static final ExecutorService SENDER =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "fanout-kafka-send");
            t.setDaemon(true);
            return t;
          });

  private Acks() {}

  /**
   * Completes when the broker acknowledged the record; exceptionally when the send failed, or could
   * not even be started (a closed producer, a serialisation error).
   */
  public static CompletableFuture<RecordMetadata> send(
      Producer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record) {
    CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
    SENDER.execute(
        () -> {
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
        });
    return acked;
  }
}
