package dev.fanout.cli;

import dev.fanout.replay.ScanProgress;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Shows a scan's progress on stderr once it has taken more than a second: a bar redrawn in place on
 * a terminal, otherwise a line at most once a second (for logs). Quick scans print nothing.
 */
final class ProgressBar implements ScanProgress {
  private static final Duration QUIET = Duration.ofSeconds(1);
  private static final int WIDTH = 30;

  private final PrintWriter err;
  private final String label;
  private final Supplier<String> detail;
  private final Clock clock;
  private final boolean terminal;
  private final Instant started;
  private Instant lastShown;
  private boolean shown;

  ProgressBar(PrintWriter err, String label, Supplier<String> detail, Clock clock) {
    this(err, label, detail, clock, System.console() != null);
  }

  ProgressBar(
      PrintWriter err, String label, Supplier<String> detail, Clock clock, boolean terminal) {
    this.err = err;
    this.label = label;
    this.detail = detail;
    this.clock = clock;
    this.terminal = terminal;
    this.started = clock.instant();
  }

  @Override
  public void update(long done, long total) {
    Instant now = clock.instant();
    if (Duration.between(started, now).compareTo(QUIET) < 0) {
      return;
    }
    Duration every = terminal ? Duration.ofMillis(200) : Duration.ofSeconds(1);
    if (lastShown != null && Duration.between(lastShown, now).compareTo(every) < 0) {
      return;
    }
    lastShown = now;
    show(done, total);
  }

  @Override
  public void finished(long done, long total) {
    if (shown) {
      show(done, total);
      if (terminal) {
        err.println();
      }
      err.flush();
    }
  }

  private void show(long done, long total) {
    shown = true;
    int percent = total == 0 ? 100 : (int) (done * 100 / total);
    int filled = percent * WIDTH / 100;
    String line =
        String.format(
            "%s [%s%s] %3d%% %d/%d records%s",
            label,
            "#".repeat(filled),
            "-".repeat(WIDTH - filled),
            percent,
            done,
            total,
            detail == null ? "" : ", " + detail.get());
    if (terminal) {
      err.print("\r" + line);
    } else {
      err.println(line);
    }
    err.flush();
  }
}
