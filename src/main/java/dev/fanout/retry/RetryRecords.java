package dev.fanout.retry;

import dev.fanout.delivery.DeliveryTask;
import dev.fanout.event.Event;
import dev.fanout.event.Origin;
import dev.fanout.kafka.FanoutHeaders;
import dev.fanout.subscription.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Writes a delivery task as a retry tier record, and reads it back. */
public final class RetryRecords {
  private RetryRecords() {}

  /** What a tier record says, before the event and subscription are looked at. */
  public record Pending(
      String webhookId,
      String deliveryId,
      int attempts,
      Instant firstAttemptAt,
      Instant lastAttemptAt,
      int holds,
      Instant firstHeldAt,
      Instant dueAt,
      Origin origin,
      int replays) {}

  public static ProducerRecord<byte[], byte[]> write(
      String topic, DeliveryTask task, Instant dueAt) {
    Origin origin = task.origin();
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(topic, null, origin.key(), task.event().body());
    Headers h = record.headers();
    FanoutHeaders.addSourceHeaders(origin, h);
    put(h, FanoutHeaders.WEBHOOK_ID, task.subscription().id());
    put(h, FanoutHeaders.DELIVERY_ID, task.deliveryId());
    put(h, FanoutHeaders.ATTEMPTS, Integer.toString(task.attempts()));
    putIfPresent(h, FanoutHeaders.FIRST_ATTEMPT_AT, task.firstAttemptAt());
    putIfPresent(h, FanoutHeaders.LAST_ATTEMPT_AT, task.lastAttemptAt());
    if (task.holds() > 0) {
      put(h, FanoutHeaders.HOLDS, Integer.toString(task.holds()));
    }
    putIfPresent(h, FanoutHeaders.FIRST_HELD_AT, task.firstHeldAt());
    if (task.replays() > 0) {
      put(h, FanoutHeaders.REPLAYS, Integer.toString(task.replays()));
    }
    put(h, FanoutHeaders.DUE_AT, dueAt.toString());
    put(h, FanoutHeaders.SOURCE_TOPIC, origin.topic());
    put(h, FanoutHeaders.SOURCE_PARTITION, Integer.toString(origin.partition()));
    put(h, FanoutHeaders.SOURCE_OFFSET, Long.toString(origin.offset()));
    put(h, FanoutHeaders.SOURCE_TIMESTAMP, origin.timestamp().toString());
    return record;
  }

  /**
   * A tier record that hands one (event, webhook) delivery to the workers afresh, due now: no
   * attempts yet, so it gets the whole retry schedule again. Replays from the dead-letter topic and
   * resends from the event log write these; the workers' retry consumers deliver them as any other
   * due retry, with the subscription as it is then.
   *
   * @param replays how many times this delivery has been replayed or resent, this time included
   */
  public static ProducerRecord<byte[], byte[]> handover(
      String topic,
      Event event,
      Subscription subscription,
      String deliveryId,
      Origin origin,
      int replays,
      Instant now) {
    DeliveryTask task =
        new DeliveryTask(event, subscription, deliveryId, origin, 0, null, null, 0, null, replays);
    return write(topic, task, now);
  }

  /**
   * Reads the headers of a tier record.
   *
   * @throws IllegalArgumentException when a header is missing or unreadable
   */
  public static Pending read(ConsumerRecord<byte[], byte[]> record) {
    Headers h = record.headers();
    try {
      int attempts = Integer.parseInt(get(h, FanoutHeaders.ATTEMPTS, true));
      String first = get(h, FanoutHeaders.FIRST_ATTEMPT_AT, attempts > 0);
      String last = get(h, FanoutHeaders.LAST_ATTEMPT_AT, attempts > 0);
      String holds = get(h, FanoutHeaders.HOLDS, false);
      String firstHeld = get(h, FanoutHeaders.FIRST_HELD_AT, holds != null);
      String replays = get(h, FanoutHeaders.REPLAYS, false);
      if (attempts < 0
          || (holds != null && Integer.parseInt(holds) < 0)
          || (replays != null && Integer.parseInt(replays) < 0)) {
        throw new IllegalArgumentException("negative count");
      }
      return new Pending(
          get(h, FanoutHeaders.WEBHOOK_ID, true),
          get(h, FanoutHeaders.DELIVERY_ID, true),
          attempts,
          first == null ? null : Instant.parse(first),
          last == null ? null : Instant.parse(last),
          holds == null ? 0 : Integer.parseInt(holds),
          firstHeld == null ? null : Instant.parse(firstHeld),
          Instant.parse(get(h, FanoutHeaders.DUE_AT, true)),
          new Origin(
              get(h, FanoutHeaders.SOURCE_TOPIC, true),
              Integer.parseInt(get(h, FanoutHeaders.SOURCE_PARTITION, true)),
              Long.parseLong(get(h, FanoutHeaders.SOURCE_OFFSET, true)),
              record.key(),
              Instant.parse(get(h, FanoutHeaders.SOURCE_TIMESTAMP, true)),
              FanoutHeaders.sourceHeaders(h)),
          replays == null ? 0 : Integer.parseInt(replays));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("unreadable retry record: " + e.getMessage(), e);
    }
  }

  /** The task again, with the subscription as it is now. */
  public static DeliveryTask task(Pending pending, Event event, Subscription subscription) {
    return new DeliveryTask(
        event,
        subscription,
        pending.deliveryId(),
        pending.origin(),
        pending.attempts(),
        pending.firstAttemptAt(),
        pending.lastAttemptAt(),
        pending.holds(),
        pending.firstHeldAt(),
        pending.replays());
  }

  private static void putIfPresent(Headers headers, String name, Instant value) {
    if (value != null) {
      put(headers, name, value.toString());
    }
  }

  private static void put(Headers headers, String name, String value) {
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  private static String get(Headers headers, String name, boolean required) {
    Header header = headers.lastHeader(name);
    if (header == null) {
      if (required) {
        throw new IllegalArgumentException("missing header " + name);
      }
      return null;
    }
    return new String(header.value(), StandardCharsets.UTF_8);
  }
}
