package dev.fanout.history.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.history.HistoryCodec;
import dev.fanout.history.HistoryRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class KafkaHistoryWriterTest {
  private static final Instant AT = Instant.parse("2026-11-29T12:00:00Z");

  private static HistoryRecord record(String deliveryId) {
    return new HistoryRecord(
        HistoryRecord.ATTEMPT,
        deliveryId,
        "wh_1",
        "evt_1",
        "job.failed",
        1,
        0,
        HistoryRecord.DELIVERED,
        200,
        null,
        null,
        4,
        AT,
        null);
  }

  /** A producer whose send blocks until released, as a real one does when its buffer is full. */
  private static final class StuckProducer extends MockProducer<byte[], byte[]> {
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger sendsStarted = new AtomicInteger();

    StuckProducer() {
      super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public synchronized Future<RecordMetadata> send(
        ProducerRecord<byte[], byte[]> record, Callback callback) {
      sendsStarted.incrementAndGet();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return super.send(record, callback);
    }
  }

  @Test
  void dropsAndCountsWhenTheProducerFallsBehindWithoutBlockingTheCaller() throws Exception {
    StuckProducer producer = new StuckProducer();
    List<String> drops = new CopyOnWriteArrayList<>();
    KafkaHistoryWriter writer = new KafkaHistoryWriter(producer, "attempts", 2, drops::add);

    writer.append(record("dlv_1")); // taken by the writer's thread, which then blocks in send
    await().atMost(Duration.ofSeconds(10)).until(() -> producer.sendsStarted.get() == 1);
    long started = System.nanoTime();
    writer.append(record("dlv_2"));
    writer.append(record("dlv_3"));
    writer.append(record("dlv_4")); // the queue holds two: this one is dropped
    writer.append(record("dlv_5"));
    long tookMillis = (System.nanoTime() - started) / 1_000_000;

    assertThat(tookMillis).isLessThan(1_000);
    assertThat(drops).containsExactly("buffer_full", "buffer_full");
    producer.release.countDown();
    writer.close();
    assertThat(producer.history())
        .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
        .containsExactly("dlv_1", "dlv_2", "dlv_3");
    assertThat(producer.history())
        .extracting(r -> HistoryCodec.decode(r.value()))
        .containsExactly(record("dlv_1"), record("dlv_2"), record("dlv_3"));
  }
}
