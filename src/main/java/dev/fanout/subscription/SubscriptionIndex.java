package dev.fanout.subscription;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * In-memory subscriptions indexed by space. One writer applies changes; any number of readers match
 * concurrently: each space's list is immutable and replaced whole on change, so a reader sees a
 * subscription either before or after a change, never half of one.
 */
public final class SubscriptionIndex implements SubscriptionTable {
  private final Map<String, Subscription> byId = new ConcurrentHashMap<>();
  private final Map<String, List<Subscription>> bySpace = new ConcurrentHashMap<>();
  // Writer-side view, touched only under the lock, so a change costs the size of one space.
  private final Map<String, Map<String, Subscription>> spaces = new HashMap<>();

  /** Adds, replaces or (with null) removes the subscription with this id. */
  public synchronized void apply(String id, Subscription subscriptionOrNull) {
    Subscription previous =
        subscriptionOrNull == null ? byId.remove(id) : byId.put(id, subscriptionOrNull);
    if (previous != null) {
      spaces.get(previous.spaceId()).remove(id);
      publish(previous.spaceId());
    }
    if (subscriptionOrNull != null) {
      spaces
          .computeIfAbsent(subscriptionOrNull.spaceId(), k -> new HashMap<>())
          .put(id, subscriptionOrNull);
      publish(subscriptionOrNull.spaceId());
    }
  }

  private void publish(String spaceId) {
    Map<String, Subscription> inSpace = spaces.get(spaceId);
    if (inSpace.isEmpty()) {
      spaces.remove(spaceId);
      bySpace.remove(spaceId);
    } else {
      bySpace.put(spaceId, List.copyOf(inSpace.values()));
    }
  }

  @Override
  public List<Subscription> matching(String spaceId, String eventType) {
    List<Subscription> inSpace = bySpace.getOrDefault(spaceId, List.of());
    List<Subscription> matched = new ArrayList<>(inSpace.size());
    for (Subscription s : inSpace) {
      if (s.matches(eventType)) {
        matched.add(s);
      }
    }
    return matched;
  }

  @Override
  public Optional<Subscription> get(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  @Override
  public Collection<Subscription> all() {
    return List.copyOf(byId.values());
  }

  public int size() {
    return byId.size();
  }
}
