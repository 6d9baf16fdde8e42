package dev.fanout.history.kafka;

import dev.fanout.history.HistoryCodec;
import dev.fanout.history.HistoryRecord;
import dev.fanout.history.HistoryWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes history records to the attempts topic from a thread of its own, keyed by delivery id (so
 * one delivery's records share a partition, in order).
 *
 * <pre>
 *   engine threads ─► append: offer to a bounded queue ─► full? drop, count "buffer_full"
 *   history thread ─► every 5 ms, take what gathered ─► encode JSON ─► producer.send
 *                                                         (may block: only this thread)
 *                                                      └─ failed ack ─► count "send_failed"
 * </pre>
 *
 * History is best effort by design: a delivery must never wait for its own history, so when the
 * producer falls behind (a slow or unreachable broker) records are dropped, counted through {@code
 * dropped} (with reason {@code buffer_full} or {@code send_failed}) and logged at most once a
 * minute. Memory is bounded by the queue's capacity and the producer's {@code buffer.memory}.
 * Thread-safe.
 */
public final class KafkaHistoryWriter implements HistoryWriter {
  private static final Logger log = LoggerFactory.getLogger(KafkaHistoryWriter.class);
  private static final long LOG_INTERVAL_NANOS = Duration.ofMinutes(1).toNanos();
  private static final int BATCH = 1024;
  private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final BlockingQueue<HistoryRecord> queue;
  private final Consumer<String> dropped;
  private final Thread thread;
  private final AtomicLong lastDropLog = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);
  private volatile boolean closing;
  // One callback for every send, rather than a lambda made per record.
  private final Callback onAck =
      (metadata, error) -> {
        if (error != null) {
          drop("send_failed", error);
        }
      };

  /**
   * @param producer owned by this writer: closed with it
   * @param capacity records waiting for the producer at most
   * @param dropped told the reason of every record dropped
   */
  public KafkaHistoryWriter(
      Producer<byte[], byte[]> producer, String topic, int capacity, Consumer<String> dropped) {
    this.producer = producer;
    this.topic = topic;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.dropped = dropped;
    this.thread = new Thread(this::run, "fanout-history");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void append(HistoryRecord record) {
    if (closing || !queue.offer(record)) {
      drop("buffer_full", null);
    }
  }

  /**
   * Wakes every {@link #PAUSE_NANOS} to take what gathered, rather than waiting on the queue: a
   * consumer parked on the queue is woken by every offer, and a thread switch per record costs the
   * delivery threads more than the record. The producer lingers longer than the pause anyway.
   */
  private void run() {
    List<HistoryRecord> batch = new ArrayList<>(BATCH);
    while (!closing || !queue.isEmpty()) {
      try {
        int taken = queue.drainTo(batch, BATCH);
        for (HistoryRecord r : batch) {
          send(r);
        }
        if (taken < BATCH) {
          LockSupport.parkNanos(PAUSE_NANOS);
        }
        if (Thread.currentThread().isInterrupted()) {
          return;
        }
      } catch (RuntimeException e) {
        drop("send_failed", e);
      } finally {
        batch.clear();
      }
    }
  }

  private void send(HistoryRecord r) {
    producer.send(
        new ProducerRecord<>(
            topic, r.deliveryId().getBytes(StandardCharsets.UTF_8), HistoryCodec.encode(r)),
        onAck);
  }

  private void drop(String reason, Throwable error) {
    dropped.accept(reason);
    long last = lastDropLog.get();
    long now = System.nanoTime();
    if (now - last >= LOG_INTERVAL_NANOS && lastDropLog.compareAndSet(last, now)) {
      log.warn(
          "delivery history records are being dropped ({}{}); see fanout_history_dropped_total",
          reason,
          error == null ? "" : ": " + error.getClass().getSimpleName());
    }
  }

  /** Sends what is queued (for up to 5 s), then closes the producer. */
  @Override
  public void close() throws InterruptedException {
    closing = true;
    thread.join(5_000);
    thread.interrupt();
    producer.close(Duration.ofSeconds(5));
  }
}
