package dev.fanout.replay;

import dev.fanout.delivery.DeliveryIds;
import dev.fanout.event.Event;
import dev.fanout.event.EventParser;
import dev.fanout.event.Origin;
import dev.fanout.kafka.FanoutHeaders;
import dev.fanout.retry.RetryRecords;
import dev.fanout.subscription.Subscription;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Resends a period of the event topics to one webhook, for a subscriber who lost what it had
 * received: every event in the range that the webhook subscribes to (its space, its event patterns,
 * and the optional type filter) becomes one task for that webhook alone, written to the first retry
 * tier, where the workers deliver it as a due retry.
 *
 * <p>The delivery id is the original one of (event, webhook), so a subscriber that did get an event
 * can drop it as a duplicate. The task carries {@code replays = 1}: it is not a first delivery, and
 * the log does not say how often it was sent before. Records the worker would reject (unreadable,
 * larger than {@code delivery.max-body-bytes}) match no webhook and are not resent: they are in the
 * dead-letter topic already.
 */
public final class EventResend {
  /** A resend is one replay of the event from the log. */
  static final int REPLAYS = 1;

  private final TopicScanner scanner;
  private final List<TopicPartition> partitions;
  private final EventParser parser;
  private final String tierTopic;
  private final Clock clock;

  public EventResend(
      TopicScanner scanner,
      List<TopicPartition> partitions,
      int maxBodyBytes,
      String tierTopic,
      Clock clock) {
    this.scanner = scanner;
    this.partitions = partitions;
    this.parser = new EventParser(maxBodyBytes);
    this.tierTopic = tierTopic;
    this.clock = clock;
  }

  /**
   * @param since first record time resent (inclusive)
   * @param until record time resent before; null for up to the end offsets at start
   * @param eventType only this type; null for every type the webhook subscribes to
   */
  public HandoverSummary run(
      Subscription webhook,
      Instant since,
      Instant until,
      String eventType,
      Handover handover,
      HandoverListener listener,
      ScanProgress progress) {
    HandoverSummary.Counter count = new HandoverSummary.Counter();
    scanner.scan(
        partitions,
        new ScanRange(since, until, null, null),
        Map.of(),
        record -> {
          count.scanned++;
          Instant at = Instant.ofEpochMilli(record.timestamp());
          if (!at.isBefore(since) && (until == null || at.isBefore(until))) {
            resend(record, webhook, eventType, handover, listener, count);
          }
          handover.commitIfDue();
          return true;
        },
        progress);
    handover.commit();
    return count.summary();
  }

  private void resend(
      ConsumerRecord<byte[], byte[]> record,
      Subscription webhook,
      String eventType,
      Handover handover,
      HandoverListener listener,
      HandoverSummary.Counter count) {
    if (!(parser.parse(record.value()) instanceof EventParser.Parsed parsed)) {
      return;
    }
    Event event = parsed.event();
    if (!event.spaceId().equals(webhook.spaceId())
        || !webhook.matches(event.type())
        || (eventType != null && !eventType.equals(event.type()))) {
      return;
    }
    count.matched++;
    Origin origin =
        new Origin(
            record.topic(),
            record.partition(),
            record.offset(),
            record.key(),
            Instant.ofEpochMilli(record.timestamp()),
            FanoutHeaders.sourceHeaders(record.headers()));
    handover.send(
        RetryRecords.handover(
            tierTopic,
            event,
            webhook,
            DeliveryIds.of(event.id(), webhook.id()),
            origin,
            REPLAYS,
            clock.instant()));
    count.handedOver++;
    listener.handedOver(record.partition(), record.offset(), event.id(), webhook.id());
  }
}
