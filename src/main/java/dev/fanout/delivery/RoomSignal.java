package dev.fanout.delivery;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tells a consumer loop that waits for room in the engine that some has been made, so it starts the
 * next records at once instead of at its next poll. A loop reads {@link #version} before it looks
 * for room and waits with that version: a signal in between is never missed. Thread-safe.
 */
public final class RoomSignal {
  private final AtomicLong version = new AtomicLong();
  private volatile int waiters;

  public long version() {
    return version.get();
  }

  /** Room changed: wakes every waiter. Cheap when nobody waits. */
  public void signal() {
    version.incrementAndGet();
    if (waiters > 0) {
      synchronized (this) {
        notifyAll();
      }
    }
  }

  /** Waits until the version moves past {@code seen}, or at most {@code max}. */
  public void await(long seen, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    synchronized (this) {
      waiters++;
      try {
        long left;
        while (version.get() == seen && (left = deadline - System.nanoTime()) > 0) {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        }
      } finally {
        waiters--;
      }
    }
  }
}
