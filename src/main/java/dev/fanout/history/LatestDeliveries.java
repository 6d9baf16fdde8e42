package dev.fanout.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The latest deliveries of one webhook, from its history records read in any partition order, in
 * bounded memory: at most {@code capacity} deliveries are kept, those whose latest record is the
 * newest. A delivery's summary depends only on its latest record (records carry their attempt
 * number), so one pushed out and seen again later is still summarised right.
 *
 * <p>With {@code failedOnly}, a delivery whose latest record is a delivered attempt leaves the set;
 * the set then keeps four times {@code limit} candidates, so that deliveries that succeed later
 * rarely leave it short. Not thread-safe.
 */
public final class LatestDeliveries {
  private static final Comparator<DeliverySummary> NEWEST_LAST =
      Comparator.comparing(DeliverySummary::at).thenComparing(DeliverySummary::deliveryId);

  private final String webhookId;
  private final boolean failedOnly;
  private final int limit;
  private final int capacity;
  private final Map<String, DeliverySummary> byId = new HashMap<>();
  private final TreeSet<DeliverySummary> byTime = new TreeSet<>(NEWEST_LAST);

  public LatestDeliveries(String webhookId, boolean failedOnly, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    this.webhookId = webhookId;
    this.failedOnly = failedOnly;
    this.limit = limit;
    this.capacity = failedOnly ? Math.multiplyExact(limit, 4) : limit;
  }

  public void add(HistoryRecord r) {
    if (!webhookId.equals(r.webhookId())) {
      return;
    }
    DeliverySummary previous = byId.remove(r.deliveryId());
    if (previous != null) {
      byTime.remove(previous);
    }
    DeliverySummary next = DeliverySummary.after(previous, r);
    if (failedOnly && !next.failed()) {
      return;
    }
    if (byId.size() >= capacity) {
      DeliverySummary oldest = byTime.first();
      if (NEWEST_LAST.compare(next, oldest) <= 0) {
        return;
      }
      byTime.pollFirst();
      byId.remove(oldest.deliveryId());
    }
    byId.put(next.deliveryId(), next);
    byTime.add(next);
  }

  /** At most {@code limit} deliveries, newest first. */
  public List<DeliverySummary> newestFirst() {
    List<DeliverySummary> result = new ArrayList<>(limit);
    for (DeliverySummary s : byTime.descendingSet()) {
      if (result.size() == limit) {
        break;
      }
      result.add(s);
    }
    return result;
  }
}
