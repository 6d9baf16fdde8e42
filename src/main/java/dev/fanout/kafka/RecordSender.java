package dev.fanout.kafka;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Sends a producer's records from a thread of its own and turns each acknowledgement into a future,
 * so no caller ever blocks on a send.
 *
 * <p>{@code Producer.send} blocks for up to {@code max.block.ms} when it has no metadata for the
 * topic or its buffer is full, as during a broker or partition outage. Fanout writes from its
 * consumer loops and from the engine's completions, which must never wait for that: here the
 * records queue, in order, and how many is bounded by the tasks in flight, each of which has at
 * most one write outstanding.
 *
 * <p>One sender per producer, owned by whoever owns the producer: {@link #close} stops the thread
 * and fails what is still queued, after which the producer can be closed. Thread-safe.
 */
public final class RecordSender implements AutoCloseable {
  private final Producer<byte[], byte[]> producer;
  private final ExecutorService thread;

  public RecordSender(Producer<byte[], byte[]> producer, String threadName) {
    this.producer = producer;
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Completes when the broker acknowledged the record; exceptionally when the send failed, could
   * not even be started (a closed producer, a serialisation error), or the sender is closed.
   */
  public CompletableFuture<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
    CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
    try {
      thread.execute(
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
    } catch (RejectedExecutionException closed) {
      acked.completeExceptionally(new IllegalStateException("record sender closed"));
    }
    return acked;
  }

  /** Stops taking records; waits briefly for the one being handed to the producer. */
  @Override
  public void close() throws InterruptedException {
    thread.shutdownNow();
    thread.awaitTermination(5, TimeUnit.SECONDS);
  }
}
