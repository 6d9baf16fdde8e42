package dev.fanout.history;

import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/** Reads delivery history back: what {@code fanout deliveries list|show} print. */
public interface DeliveryHistory extends AutoCloseable {
  /**
   * The latest deliveries of a webhook, newest first.
   *
   * @param since only records written at or after it; null for all that are retained
   * @param progress told what the scan has done, at most once a second after its first second
   */
  List<DeliverySummary> latest(
      String webhookId, Instant since, boolean failedOnly, int limit, Consumer<String> progress);

  /** Everything recorded about one delivery. */
  DeliveryStory story(String deliveryId, Consumer<String> progress);

  @Override
  void close();
}
