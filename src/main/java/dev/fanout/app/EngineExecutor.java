package dev.fanout.app;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's one thread: completions, back-offs, timers and periodic upkeep. A plain scheduled
 * executor keeps a task's exception in its future, where nobody looks, and cancels a periodic task
 * for good after one failure; here every failure is logged, and a periodic task that fails runs
 * again at its next turn.
 */
final class EngineExecutor extends ScheduledThreadPoolExecutor {
  private static final Logger log = LoggerFactory.getLogger(EngineExecutor.class);

  EngineExecutor(String threadName) {
    super(
        1,
        r -> {
          Thread t = new Thread(r, threadName);
          t.setDaemon(true);
          return t;
        });
    setRemoveOnCancelPolicy(true);
  }

  /** Runs {@code task} every {@code period}, on and on, whatever one run throws. */
  ScheduledFuture<?> every(long period, TimeUnit unit, String name, Runnable task) {
    return scheduleWithFixedDelay(
        () -> {
          try {
            task.run();
          } catch (RuntimeException e) {
            log.error("periodic {} failed; it runs again in {} {}", name, period, unit, e);
          }
        },
        period,
        period,
        unit);
  }

  @Override
  protected void afterExecute(Runnable r, Throwable thrown) {
    super.afterExecute(r, thrown);
    if (thrown == null && r instanceof Future<?> future && future.isDone()) {
      try {
        future.get();
      } catch (CancellationException cancelled) {
        return;
      } catch (ExecutionException e) {
        thrown = e.getCause();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (thrown != null) {
      log.error("a task of the delivery engine failed", thrown);
    }
  }
}
