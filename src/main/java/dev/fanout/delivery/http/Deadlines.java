package dev.fanout.delivery.http;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Ends exchanges that outlive the request timeout. Every exchange gets the same timeout, so
 * deadlines fall due in the order exchanges start: a FIFO queue checked from its head by one daemon
 * thread costs O(1) per request, where a timer task per request costs a lock and O(log n). A
 * finished exchange lets go of its expiry action at once, so what waits in the queue is a few dozen
 * bytes per request of the last timeout, nothing of the request. Deadlines are met within the check
 * interval (at most 50 ms late); expiry actions run on the deadline thread.
 */
final class Deadlines implements AutoCloseable {
  private static final long CHECK_MILLIS = 50;

  /** One exchange's place in the queue. */
  static final class Ticket {
    private final long deadlineNanos;
    private volatile Runnable expiry;

    private Ticket(long deadlineNanos, Runnable expiry) {
      this.deadlineNanos = deadlineNanos;
      this.expiry = expiry;
    }

    /** The exchange finished: nothing to end any more. */
    void done() {
      expiry = null;
    }
  }

  private final long timeoutNanos;
  private final ConcurrentLinkedQueue<Ticket> queue = new ConcurrentLinkedQueue<>();
  private final Thread sweeper;
  private volatile boolean running = true;

  Deadlines(Duration timeout) {
    this.timeoutNanos = timeout.toNanos();
    this.sweeper = new Thread(this::sweep, "fanout-http-deadlines");
    sweeper.setDaemon(true);
    sweeper.start();
  }

  /** Runs {@code expiry} at the deadline unless the ticket is {@link Ticket#done} before. */
  Ticket add(Runnable expiry) {
    Ticket ticket = new Ticket(System.nanoTime() + timeoutNanos, expiry);
    queue.add(ticket);
    return ticket;
  }

  private void sweep() {
    while (running) {
      long now = System.nanoTime();
      Ticket head;
      while ((head = queue.peek()) != null && head.deadlineNanos - now <= 0) {
        queue.poll();
        Runnable expiry = head.expiry;
        if (expiry != null) {
          try {
            expiry.run();
          } catch (RuntimeException e) {
            // One exchange's trouble must not stop the deadlines of all the others.
          }
        }
      }
      try {
        Thread.sleep(CHECK_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() {
    running = false;
    sweeper.interrupt();
  }
}
