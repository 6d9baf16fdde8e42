package dev.fanout.worker;

import dev.fanout.deadletter.DeadLetter;
import dev.fanout.event.Event;
import dev.fanout.event.EventParser;
import dev.fanout.retry.RetryRecords;
import dev.fanout.subscription.Subscription;
import dev.fanout.subscription.SubscriptionTable;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Routes retry tier records: not before they are due; then one task again, with the subscription as
 * it is now, so a changed URL or secret applies and a deleted or disabled webhook receives nothing
 * more.
 */
public final class RetryRouter implements RecordRouter {
  private final Function<byte[], Event> parse;
  private final SubscriptionTable subscriptions;
  private final DispatchListener listener;
  private final Clock clock;

  public RetryRouter(
      EventParser parser, SubscriptionTable subscriptions, DispatchListener listener, Clock clock) {
    this.parse = RetryRecords.parser(parser);
    this.subscriptions = subscriptions;
    this.listener = listener;
    this.clock = clock;
  }

  @Override
  public Route route(ConsumerRecord<byte[], byte[]> record) {
    RetryRecords.Pending pending;
    try {
      pending = RetryRecords.read(record);
    } catch (IllegalArgumentException e) {
      return unusable(record, e.getMessage());
    }
    if (clock.instant().isBefore(pending.dueAt())) {
      return new Route.NotBefore(pending.dueAt());
    }
    Event event = parse.apply(record.value());
    if (event == null) {
      return unusable(record, "retry record value is not a valid event");
    }
    Optional<Subscription> subscription =
        subscriptions.get(pending.webhookId()).filter(Subscription::enabled);
    if (subscription.isEmpty()) {
      listener.cancelled(event.type());
      return new Route.Skip();
    }
    return new Route.Deliver(List.of(RetryRecords.task(pending, event, subscription.get())));
  }

  private static Route unusable(ConsumerRecord<byte[], byte[]> record, String message) {
    return new Route.DeadLetter(
        DeadLetter.unusableEvent(
            EventRouter.origin(record), record.value(), "invalid_event", message));
  }
}
