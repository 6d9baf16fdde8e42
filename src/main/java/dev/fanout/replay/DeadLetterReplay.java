package dev.fanout.replay;

import dev.fanout.delivery.DeliveryIds;
import dev.fanout.event.Event;
import dev.fanout.event.EventParser;
import dev.fanout.retry.RetryRecords;
import dev.fanout.subscription.Subscription;
import dev.fanout.subscription.SubscriptionTable;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * Replays dead letters: each matching one that is a delivery becomes one task for exactly its
 * (event, webhook) pair, written to the first retry tier, where the workers deliver it as a due
 * retry (current URL and secret, breakers, limits, the whole retry schedule again). Never a new
 * fan-out to the event's other subscribers.
 *
 * <pre>
 *   dead-letter topic ─► filter ─► webhook still there and enabled? ─► tier record ─► Handover
 *                                        │ no                          (same delivery id,
 *                                        ▼                              replays + 1)
 *                                  skipped, reported
 * </pre>
 *
 * With a target webhook ({@code --to-webhook}) each event goes to that webhook instead, under the
 * delivery id of (event, target).
 */
public final class DeadLetterReplay {
  private static final EventParser PARSER = new EventParser(Integer.MAX_VALUE);

  /**
   * @param limit matching dead letters to deal with at most; null for all
   * @param toWebhook deliver to this webhook instead of each dead letter's own; null for its own
   */
  public record Options(DeadLetterFilter filter, Long limit, String toWebhook) {}

  private final TopicScanner scanner;
  private final List<TopicPartition> partitions;
  private final SubscriptionTable subscriptions;
  private final String tierTopic;
  private final Clock clock;

  public DeadLetterReplay(
      TopicScanner scanner,
      List<TopicPartition> partitions,
      SubscriptionTable subscriptions,
      String tierTopic,
      Clock clock) {
    this.scanner = scanner;
    this.partitions = partitions;
    this.subscriptions = subscriptions;
    this.tierTopic = tierTopic;
    this.clock = clock;
  }

  /**
   * Runs the replay to the end of the range (or the limit) and commits the last batch. The caller
   * closes the handover.
   */
  public HandoverSummary run(
      Options options,
      Map<TopicPartition, Long> resumeFrom,
      Handover handover,
      HandoverListener listener,
      ScanProgress progress) {
    HandoverSummary.Counter count = new HandoverSummary.Counter();
    scanner.scan(
        partitions,
        options.filter().range(),
        resumeFrom,
        record -> {
          count.scanned++;
          boolean more = true;
          StoredDeadLetter d = StoredDeadLetter.of(record);
          if (options.filter().matches(d)) {
            count.matched++;
            replay(d, options.toWebhook(), handover, listener, count);
            more = options.limit() == null || count.matched < options.limit();
          }
          handover.examined(
              new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
          handover.commitIfDue();
          return more;
        },
        progress);
    handover.commit();
    return count.summary();
  }

  private void replay(
      StoredDeadLetter d,
      String toWebhook,
      Handover handover,
      HandoverListener listener,
      HandoverSummary.Counter count) {
    String target = toWebhook != null ? toWebhook : d.webhookId();
    Skip skip = null;
    Event event = null;
    Optional<Subscription> subscription = Optional.empty();
    if (!d.isDelivery()) {
      skip = Skip.NOT_A_DELIVERY;
    } else if (d.valueOmitted()) {
      skip = Skip.VALUE_OMITTED;
    } else {
      subscription = subscriptions.get(target);
      if (subscription.isEmpty()) {
        skip = Skip.WEBHOOK_GONE;
      } else if (!subscription.get().enabled()) {
        skip = Skip.WEBHOOK_DISABLED;
      } else if (d.origin() == null
          || !(PARSER.parse(d.record().value()) instanceof EventParser.Parsed parsed)) {
        skip = Skip.UNREADABLE;
      } else if (!subscription
          .get()
          .subscribesTo(parsed.event().spaceId(), parsed.event().type())) {
        skip = Skip.NOT_SUBSCRIBED;
      } else {
        event = parsed.event();
      }
    }
    if (skip != null) {
      count.skip(skip);
      listener.skipped(d.partition(), d.offset(), d.eventId(), target, skip);
      return;
    }
    // A replay keeps the delivery id, so the subscriber can tell it from a new delivery; another
    // webhook gets the id of its own (event, webhook) pair.
    String deliveryId =
        toWebhook == null && d.deliveryId() != null
            ? d.deliveryId()
            : DeliveryIds.of(event.id(), target);
    handover.send(
        RetryRecords.handover(
            tierTopic,
            event,
            subscription.get(),
            deliveryId,
            d.origin(),
            d.replays() + 1,
            clock.instant()));
    count.handedOver++;
    listener.handedOver(d.partition(), d.offset(), event.id(), target);
  }
}
