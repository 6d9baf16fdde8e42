package dev.fanout.fault;

import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the receivers saw, per (event, webhook): requests, deliveries (requests answered with a 2xx)
 * and the {@code x-y42-delivery} ids they carried. Thread-safe; the receivers' threads write, the
 * accountant reads once the workers are stopped.
 */
final class DeliveryLedger {
  /** One expected delivery: an event and a webhook it must reach. */
  record Pair(String eventId, String webhookId) {}

  /** Everything seen for one pair. Guarded by the map's per-key locking. */
  static final class Entry {
    int requests;
    int deliveries;
    final Set<String> deliveryIds = new HashSet<>(2);
    Instant firstDeliveredAt;
    Instant lastDeliveredAt;
  }

  private final Map<Pair, Entry> entries = new ConcurrentHashMap<>();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong deliveries = new AtomicLong();
  private volatile Instant lastDeliveryAt;

  void requested(Pair pair, String deliveryId) {
    requests.incrementAndGet();
    entries.compute(
        pair,
        (p, e) -> {
          Entry entry = e == null ? new Entry() : e;
          entry.requests++;
          if (deliveryId != null) {
            entry.deliveryIds.add(deliveryId);
          }
          return entry;
        });
  }

  void delivered(Pair pair, Instant at) {
    deliveries.incrementAndGet();
    lastDeliveryAt = at;
    entries.compute(
        pair,
        (p, e) -> {
          Entry entry = e == null ? new Entry() : e;
          entry.deliveries++;
          if (entry.firstDeliveredAt == null) {
            entry.firstDeliveredAt = at;
          }
          entry.lastDeliveredAt = at;
          return entry;
        });
  }

  /** Whether the pair has been answered with a 2xx at least once. */
  boolean isDelivered(Pair pair) {
    Entry entry = entries.get(pair);
    return entry != null && entry.deliveries > 0;
  }

  Entry get(Pair pair) {
    return entries.get(pair);
  }

  Set<Pair> pairs() {
    return entries.keySet();
  }

  long requests() {
    return requests.get();
  }

  long deliveries() {
    return deliveries.get();
  }

  Instant lastDeliveryAt() {
    return lastDeliveryAt;
  }
}
