package dev.fanout.delivery.http;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Ends exchanges that outlive the request timeout. Every exchange gets the same timeout, so
 * deadlines fall due in the order exchanges start: a FIFO queue checked from its head by one daemon
 * thread costs O(1) per request, where a timer task per request costs a lock and O(log n). A
 * finished exchange lets go of its expiry action at once, so what waits in the queue is a few dozen
 * bytes per request of the last timeout, nothing of the request. Deadlines are met within the check
 * interval (at most 50 ms late); expiry actions run on the deadline thread. Closing runs the
 * abandon action of everything still out, on the closing thread, so that nothing waits on a
 * deadline that will never be checked.
 */
final class Deadlines implements AutoCloseable {
  private static final long CHECK_MILLIS = 50;

  /** One exchange's place in the queue. */
  static final class Ticket {
    private final long deadlineNanos;
    private volatile Runnable expiry;
    private volatile Runnable abandon;

    private Ticket(long deadlineNanos, Runnable expiry, Runnable abandon) {
      this.deadlineNanos = deadlineNanos;
      this.expiry = expiry;
      this.abandon = abandon;
    }

    /** The exchange finished: nothing to end any more. */
    void done() {
      expiry = null;
      abandon = null;
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
    return add(expiry, null);
  }

  /**
   * Runs {@code expiry} at the deadline, or {@code abandon} (when not null) if the deadlines close
   * first, unless the ticket is {@link Ticket#done} before. Added after the close, {@code abandon}
   * runs at once.
   */
  Ticket add(Runnable expiry, Runnable abandon) {
    Ticket ticket = new Ticket(System.nanoTime() + timeoutNanos, expiry, abandon);
    queue.add(ticket);
    if (!running) {
      abandonAll();
    }
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

  /**
   * Stops checking deadlines, and abandons what is still out. The deadline thread is waited for (a
   * second at most), so that no ticket is taken by both it and the close.
   */
  @Override
  public void close() {
    running = false;
    sweeper.interrupt();
    try {
      sweeper.join(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    abandonAll();
  }

  private void abandonAll() {
    Ticket ticket;
    while ((ticket = queue.poll()) != null) {
      Runnable abandon = ticket.abandon;
      if (abandon != null) {
        try {
          abandon.run();
        } catch (RuntimeException e) {
          // One exchange's trouble must not leave the others out.
        }
      }
    }
  }
}
