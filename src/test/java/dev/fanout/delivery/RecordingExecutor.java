package dev.fanout.delivery;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A real scheduled executor that records every delay it is asked for and waits at most {@link
 * #MAX_REAL_DELAY} instead, so tests see the engine's back-off without sitting through it.
 */
final class RecordingExecutor extends ScheduledThreadPoolExecutor {
  static final Duration MAX_REAL_DELAY = Duration.ofMillis(5);

  final List<Duration> delays = new CopyOnWriteArrayList<>();

  RecordingExecutor() {
    super(2);
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    if (delay <= 0) {
      // execute() and submit() come through here too, with no delay: not a back-off.
      return super.schedule(command, delay, unit);
    }
    Duration requested = Duration.ofNanos(unit.toNanos(delay));
    delays.add(requested);
    long real = Math.min(requested.toNanos(), MAX_REAL_DELAY.toNanos());
    return super.schedule(command, real, TimeUnit.NANOSECONDS);
  }
}
