package dev.fanout.subscription;

import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Disables a webhook whose endpoint answered 410 Gone, by writing its record back with {@code
 * enabled: false}. The current record, not the task's copy, is written, at the next version: a
 * change made meanwhile is kept, and a change that lands first wins over this one (the table is
 * compare-and-set, see {@code CompactedTopicSubscriptionStore}). If the URL changed since, the 410
 * came from an endpoint the webhook no longer uses, and nothing is disabled. Thread-safe.
 */
public final class GoneWebhooks implements Consumer<Subscription> {
  private static final Logger log = LoggerFactory.getLogger(GoneWebhooks.class);

  private final SubscriptionWriter writer;
  private final SubscriptionCodec codec;
  private final SubscriptionTable table;

  public GoneWebhooks(SubscriptionWriter writer, SubscriptionCodec codec, SubscriptionTable table) {
    this.writer = writer;
    this.codec = codec;
    this.table = table;
  }

  /** The endpoint of {@code answered} said it is gone for good. */
  @Override
  public void accept(Subscription answered) {
    Subscription current = table.get(answered.id()).orElse(null);
    if (current == null || !current.url().equals(answered.url())) {
      log.warn(
          "webhook {}: an old URL answered 410 Gone; the webhook has changed, so it stays as it is",
          answered.id());
      return;
    }
    if (!current.enabled()) {
      return;
    }
    log.warn("webhook {} answered 410 Gone: disabling it", answered.id());
    writer
        .put(current.id(), codec.withEnabled(current, false))
        .whenComplete(
            (ok, e) -> {
              if (e != null) {
                log.error("could not disable webhook {}: {}", current.id(), e.toString());
              }
            });
  }
}
