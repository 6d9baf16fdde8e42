package dev.fanout.deadletter.kafka;

import dev.fanout.deadletter.DeadLetter;
import dev.fanout.deadletter.DeadLetterHeaders;
import dev.fanout.deadletter.DeadLetterWriter;
import dev.fanout.kafka.Acks;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Dead-letters to a Kafka topic: key and value are the source record's, untouched, so a replay
 * produces exactly what the producer wrote; context goes into headers.
 */
public final class KafkaDeadLetterWriter implements DeadLetterWriter {
  private final Producer<byte[], byte[]> producer;
  private final String topic;

  public KafkaDeadLetterWriter(Producer<byte[], byte[]> producer, String topic) {
    this.producer = producer;
    this.topic = topic;
  }

  @Override
  public CompletableFuture<Void> write(DeadLetter deadLetter) {
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(topic, null, deadLetter.origin().key(), deadLetter.value());
    for (Map.Entry<String, byte[]> header : DeadLetterHeaders.of(deadLetter)) {
      record.headers().add(header.getKey(), header.getValue());
    }
    return Acks.send(producer, record).thenApply(metadata -> null);
  }
}
