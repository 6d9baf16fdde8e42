package dev.fanout.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/** A producer that blocks (no metadata, full buffer) never blocks the caller of {@link Acks}. */
class RecordSenderTest {
  @Test
  void aBlockingProducerDoesNotBlockTheCaller() throws Exception {
    CountDownLatch brokerBack = new CountDownLatch(1);
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
          @Override
          public synchronized Future<RecordMetadata> send(
              ProducerRecord<byte[], byte[]> record, Callback callback) {
            try {
              brokerBack.await(); // as Producer.send does for up to max.block.ms
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return super.send(record, callback);
          }
        };

    RecordSender sender = new RecordSender(producer, "test-sender");

    // If send called Producer.send in this thread, this would never return.
    CompletableFuture<RecordMetadata> acked =
        Assertions.assertTimeoutPreemptively(
            Duration.ofSeconds(30), () -> sender.send(new ProducerRecord<>("t", new byte[] {1})));

    assertThat(acked).isNotDone();
    brokerBack.countDown();
    assertThat(acked.get().topic()).isEqualTo("t");
  }

  @Test
  void aSendThatCannotStartFailsTheFuture() {
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    producer.close();

    CompletableFuture<RecordMetadata> acked =
        new RecordSender(producer, "test-sender").send(new ProducerRecord<>("t", new byte[] {1}));

    assertThat(acked).failsWithin(Duration.ofSeconds(30));
  }

  @Test
  void aClosedSenderFailsWhatItIsGiven() throws Exception {
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    RecordSender sender = new RecordSender(producer, "test-sender");
    sender.close();

    assertThat(sender.send(new ProducerRecord<>("t", new byte[] {1})))
        .failsWithin(Duration.ofSeconds(5));
    assertThat(producer.history()).isEmpty();
  }
}
