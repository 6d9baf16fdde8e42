package dev.fanout.bench;

import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What the receivers of a run saw, per webhook: requests, requests accepted (200), and duplicates.
 * A duplicate is a delivery id ({@code x-y42-delivery}) accepted a second time.
 *
 * <p>Delivery ids are {@code dlv_} and 32 hex digits; the set keeps the first 16 of them as one
 * long. Two distinct deliveries of a run of a million share that long with a chance of about 1 in
 * 30 million. The set holds one long per accepted healthy delivery of the run, in a table at most
 * half full: 16 to 32 bytes a delivery, 16 to 32 MiB for a million, sized up front by {@link
 * #reserve} so it does not grow while latencies are measured. Thread-safe.
 */
final class DeliveryLedger {
  private final AtomicLongArray requests;
  private final AtomicLongArray accepted;
  private final LongAdder duplicates = new LongAdder();
  private final LongAdder unidentified = new LongAdder();
  private final ConcurrentHistogram latencyMicros =
      new ConcurrentHistogram(TimeUnit.HOURS.toMicros(1), 3);
  private final LongHashSet seen; // guarded by itself

  /** Deliveries later than this, and when they arrived: where in a phase a stall fell. */
  static final long LATE_MICROS = TimeUnit.MILLISECONDS.toMicros(100);

  private final LongAdder late = new LongAdder();
  private final AtomicLong firstLateNanos = new AtomicLong(Long.MAX_VALUE);
  private final AtomicLong lastLateNanos = new AtomicLong(Long.MIN_VALUE);
  private volatile long latencySinceNanos = System.nanoTime();

  /** Deliveries later than {@link #LATE_MICROS} since the latency was reset, and when they came. */
  record Late(long count, double firstSeconds, double lastSeconds) {}

  DeliveryLedger(int webhooks, int expectedDeliveries) {
    this.requests = new AtomicLongArray(webhooks);
    this.accepted = new AtomicLongArray(webhooks);
    this.seen = new LongHashSet(expectedDeliveries);
  }

  /** A request arrived on a webhook's path. */
  void requested(Route route) {
    if (route.webhook() < requests.length()) {
      requests.incrementAndGet(route.webhook());
    }
  }

  /**
   * A healthy path accepted a request. {@code latencyMicros} is its produce-to-receive time, or
   * negative when the event carried no send time.
   */
  void accepted(Route route, String deliveryId, long latencyMicros) {
    if (route.webhook() < accepted.length()) {
      accepted.incrementAndGet(route.webhook());
    }
    long id = idBits(deliveryId);
    if (id == NO_ID) {
      unidentified.increment();
    } else {
      boolean first;
      synchronized (seen) {
        first = seen.add(id);
      }
      if (!first) {
        duplicates.increment();
      }
    }
    if (latencyMicros >= 0) {
      this.latencyMicros.recordValue(latencyMicros);
      if (latencyMicros > LATE_MICROS) {
        long at = System.nanoTime() - latencySinceNanos;
        late.increment();
        firstLateNanos.accumulateAndGet(at, Math::min);
        lastLateNanos.accumulateAndGet(at, Math::max);
      }
    }
  }

  long requests(int webhook) {
    return requests.get(webhook);
  }

  long accepted(int webhook) {
    return accepted.get(webhook);
  }

  /** Requests accepted on these webhooks' paths, duplicates included. */
  long accepted(List<Topology.Placement> webhooks) {
    long sum = 0;
    for (Topology.Placement p : webhooks) {
      sum += accepted.get(p.webhook());
    }
    return sum;
  }

  long duplicates() {
    return duplicates.sum();
  }

  /** Accepted requests without a readable delivery id, which duplicates cannot be told in. */
  long unidentified() {
    return unidentified.sum();
  }

  Histogram latency() {
    return latencyMicros.copy();
  }

  /** The late deliveries since the latency was last reset; times from that reset. */
  Late late() {
    long count = late.sum();
    return count == 0
        ? new Late(0, 0, 0)
        : new Late(count, firstLateNanos.get() / 1e9, lastLateNanos.get() / 1e9);
  }

  void resetLatency() {
    latencyMicros.reset();
    late.reset();
    firstLateNanos.set(Long.MAX_VALUE);
    lastLateNanos.set(Long.MIN_VALUE);
    latencySinceNanos = System.nanoTime();
  }

  void reserve(long expectedDeliveries) {
    synchronized (seen) {
      seen.reserve((int) Math.min(Integer.MAX_VALUE / 4, expectedDeliveries));
    }
  }

  /** Forgets everything: between the raw client's run and the worker's, which reuse ids. */
  void reset() {
    for (int i = 0; i < accepted.length(); i++) {
      requests.set(i, 0);
      accepted.set(i, 0);
    }
    duplicates.reset();
    unidentified.reset();
    resetLatency();
    synchronized (seen) {
      seen.clear();
    }
  }

  static final long NO_ID = Long.MIN_VALUE;

  /** The first 64 bits of a {@code dlv_<hex>} id; {@link #NO_ID} when it is not one. */
  static long idBits(String deliveryId) {
    if (deliveryId == null || deliveryId.length() < 20 || !deliveryId.startsWith("dlv_")) {
      return NO_ID;
    }
    String hex = deliveryId.substring(4, 20);
    for (int i = 0; i < hex.length(); i++) {
      if (Character.digit(hex.charAt(i), 16) < 0) {
        return NO_ID;
      }
    }
    long bits = HexFormat.fromHexDigitsToLong(hex);
    return bits == NO_ID ? NO_ID + 1 : bits;
  }
}
