package dev.fanout.replay;

/** Told about each matching record of a replay or resend as it is dealt with. */
public interface HandoverListener {
  HandoverListener NONE =
      new HandoverListener() {
        @Override
        public void handedOver(int partition, long offset, String eventId, String webhookId) {}

        @Override
        public void skipped(
            int partition, long offset, String eventId, String webhookId, Skip why) {}
      };

  /**
   * Queued for the webhook (with {@code --dry-run}: would be).
   *
   * @param partition partition of the scanned topic the record is in
   */
  void handedOver(int partition, long offset, String eventId, String webhookId);

  void skipped(int partition, long offset, String eventId, String webhookId, Skip why);
}
