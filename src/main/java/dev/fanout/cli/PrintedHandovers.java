package dev.fanout.cli;

import dev.fanout.replay.HandoverListener;
import dev.fanout.replay.Skip;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What {@code dlq replay} and {@code events resend} print per record: in a dry run what would be
 * handed over, and (when asked) what was skipped and why; and the count for the progress bar.
 */
final class PrintedHandovers implements HandoverListener {
  private final PrintWriter out;
  private final boolean dryRun;
  private final boolean printSkips;
  private final AtomicLong handed = new AtomicLong();

  PrintedHandovers(PrintWriter out, boolean dryRun, boolean printSkips) {
    this.out = out;
    this.dryRun = dryRun;
    this.printSkips = printSkips;
  }

  @Override
  public void handedOver(int partition, long offset, String eventId, String webhookId) {
    handed.incrementAndGet();
    if (dryRun) {
      out.printf("would hand over  %d:%d  %s  to %s%n", partition, offset, eventId, webhookId);
    }
  }

  @Override
  public void skipped(int partition, long offset, String eventId, String webhookId, Skip why) {
    if (printSkips) {
      out.printf(
          "skipped  %d:%d  %s  %s: %s%n",
          partition,
          offset,
          eventId == null ? "-" : eventId,
          webhookId == null ? "-" : webhookId,
          why.label());
    }
  }

  /** The progress bar's count. */
  String progress() {
    return handed.get() + (dryRun ? " would be handed over" : " handed over");
  }
}
