package dev.fanout.subscription;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** The current set of subscriptions, as the worker sees it. Implementations are thread-safe. */
public interface SubscriptionTable {
  /** Enabled subscriptions of the space whose patterns match the type. */
  List<Subscription> matching(String spaceId, String eventType);

  Optional<Subscription> get(String id);

  Collection<Subscription> all();
}
