package dev.fanout.worker;

import dev.fanout.deadletter.DeadLetter;
import dev.fanout.delivery.DeliveryTask;
import dev.fanout.event.Event;
import dev.fanout.event.EventParser;
import dev.fanout.event.Origin;
import dev.fanout.kafka.FanoutHeaders;
import dev.fanout.subscription.Subscription;
import dev.fanout.subscription.SubscriptionTable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Routes event records: invalid or oversized ones to the dead-letter topic, the rest to one task
 * per matching webhook (none: finished, and counted as unmatched).
 */
public final class EventRouter implements RecordRouter {
  private final EventParser parser;
  private final SubscriptionTable subscriptions;
  private final DispatchListener listener;

  public EventRouter(
      EventParser parser, SubscriptionTable subscriptions, DispatchListener listener) {
    this.parser = parser;
    this.subscriptions = subscriptions;
    this.listener = listener;
  }

  @Override
  public Route route(ConsumerRecord<byte[], byte[]> record) {
    Origin origin = origin(record);
    EventParser.Result result = parser.parse(record.value());
    if (result instanceof EventParser.Rejected rejected) {
      listener.rejected(rejected.reason());
      return new Route.DeadLetter(
          DeadLetter.unusableEvent(origin, record.value(), rejected.reason(), rejected.message()));
    }
    Event event = ((EventParser.Parsed) result).event();
    List<Subscription> matched = subscriptions.matching(event.spaceId(), event.type());
    listener.matched(event.type(), matched.size());
    if (matched.isEmpty()) {
      return new Route.Skip();
    }
    List<DeliveryTask> tasks = new ArrayList<>(matched.size());
    for (Subscription subscription : matched) {
      tasks.add(DeliveryTask.first(event, subscription, origin));
    }
    return new Route.Deliver(tasks);
  }

  /** Where a consumed record came from. */
  public static Origin origin(ConsumerRecord<byte[], byte[]> record) {
    return new Origin(
        record.topic(),
        record.partition(),
        record.offset(),
        record.key(),
        Instant.ofEpochMilli(record.timestamp()),
        FanoutHeaders.sourceHeaders(record.headers()));
  }
}
