package dev.fanout.cli;

import dev.fanout.delivery.DeliveryIds;
import dev.fanout.kafka.KafkaClients;
import dev.fanout.testing.FanoutHarness;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes dead-letter records straight to a harness's dead-letter topic, with known headers. */
final class DeadLetters implements AutoCloseable {
  private final FanoutHarness fanout;
  private final KafkaProducer<byte[], byte[]> producer;

  DeadLetters(FanoutHarness fanout) {
    this.fanout = fanout;
    this.producer =
        new KafkaClients(fanout.config().kafka(), "test").durableProducer("dead-letters");
  }

  static String event(String id, String type, String space) {
    return "{\"id\":\""
        + id
        + "\",\"type\":\""
        + type
        + "\",\"space_id\":\""
        + space
        + "\",\"data\":{}}";
  }

  /** The headers the worker writes for a delivery that failed with HTTP 500 after 4 attempts. */
  static Map<String, String> delivery(
      String reason, String webhookId, String eventId, String type) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    h.put("fanout.reason", reason);
    h.put("fanout.webhook.id", webhookId);
    h.put("fanout.delivery.id", DeliveryIds.of(eventId, webhookId));
    h.put("fanout.event.id", eventId);
    h.put("fanout.event.type", type);
    h.put("fanout.http.status", "500");
    h.put("fanout.error", "HTTP 500");
    h.put("fanout.attempts", "4");
    h.put("fanout.first.attempt.at", "2026-11-28T12:00:00Z");
    h.put("fanout.last.attempt.at", "2026-11-28T12:00:01Z");
    h.put("fanout.source.topic", "y42.events.jobs");
    h.put("fanout.source.partition", "0");
    h.put("fanout.source.offset", "17");
    h.put("fanout.source.timestamp", "2026-11-28T11:59:59Z");
    return h;
  }

  /** Writes one dead letter to a partition of the dead-letter topic, stamped at {@code at}. */
  void write(int partition, Instant at, String value, Map<String, String> headers) {
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(
            fanout.config().topics().dlq(),
            partition,
            at.toEpochMilli(),
            FanoutHarness.SPACE.getBytes(StandardCharsets.UTF_8),
            value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    headers.forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
    try {
      producer.send(record).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot write a dead letter", e);
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
