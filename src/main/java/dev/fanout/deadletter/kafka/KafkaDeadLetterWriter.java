package dev.fanout.deadletter.kafka;

import dev.fanout.deadletter.DeadLetter;
import dev.fanout.deadletter.DeadLetterHeaders;
import dev.fanout.deadletter.DeadLetterWriter;
import dev.fanout.kafka.FanoutHeaders;
import dev.fanout.kafka.RecordSender;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * Dead-letters to a Kafka topic: key, value and headers are the source record's, untouched, so a
 * replay produces exactly what the producer wrote; context goes into {@code fanout.*} headers. The
 * record is stamped when it is dead-lettered (the source's time is in {@code
 * fanout.source.timestamp}): the topic's retention counts from the dead-lettering, and {@code
 * --since} finds dead letters by when they failed.
 *
 * <p>A value too large for the topic (the producer's or the broker's limit) could never be written,
 * and retrying it would hold its source offset for ever. It is written once more without the value,
 * marked with {@code fanout.value.omitted=true} and {@code fanout.value.bytes}: the event can still
 * be found at its source topic, partition and offset.
 */
public final class KafkaDeadLetterWriter implements DeadLetterWriter {
  private final RecordSender sender;
  private final String topic;

  public KafkaDeadLetterWriter(RecordSender sender, String topic) {
    this.sender = sender;
    this.topic = topic;
  }

  @Override
  public CompletableFuture<Void> write(DeadLetter deadLetter) {
    return sender
        .send(record(deadLetter, false))
        .exceptionallyCompose(
            error ->
                tooLarge(error)
                    ? sender.send(record(deadLetter, true))
                    : CompletableFuture.failedFuture(error))
        .thenApply(metadata -> null);
  }

  private ProducerRecord<byte[], byte[]> record(DeadLetter deadLetter, boolean omitValue) {
    byte[] value = deadLetter.value();
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(topic, null, deadLetter.origin().key(), omitValue ? null : value);
    DeadLetterHeaders.write(deadLetter, record.headers());
    if (omitValue) {
      record.headers().add(FanoutHeaders.VALUE_OMITTED, "true".getBytes(StandardCharsets.UTF_8));
      String length = Integer.toString(value == null ? 0 : value.length);
      record.headers().add(FanoutHeaders.VALUE_BYTES, length.getBytes(StandardCharsets.UTF_8));
    }
    return record;
  }

  private static boolean tooLarge(Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    return cause instanceof RecordTooLargeException;
  }
}
