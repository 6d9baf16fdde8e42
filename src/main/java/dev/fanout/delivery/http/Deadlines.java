package dev.fanout.delivery.http;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;

/**
 * Cancels exchanges that outlive the request timeout. Every exchange gets the same timeout, so
 * deadlines fall due in the order exchanges start: a FIFO queue checked from its head by one daemon
 * thread costs O(1) per request, where a timer task per request costs a lock and O(log n). A
 * finished exchange lets go of its {@link Future} at once, so what waits in the queue is a few
 * dozen bytes per request of the last timeout, nothing of the request. Deadlines are met within the
 * check interval (at most 50 ms late).
 */
final class Deadlines implements AutoCloseable {
  private static final long CHECK_MILLIS = 50;

  /** One exchange's place in the queue. */
  static final class Ticket {
    private final long deadlineNanos;
    private volatile Future<?> exchange;

    private Ticket(long deadlineNanos, Future<?> exchange) {
      this.deadlineNanos = deadlineNanos;
      this.exchange = exchange;
    }

    /** The exchange finished: nothing to cancel any more. */
    void done() {
      exchange = null;
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

  Ticket add(Future<?> exchange) {
    Ticket ticket = new Ticket(System.nanoTime() + timeoutNanos, exchange);
    queue.add(ticket);
    return ticket;
  }

  private void sweep() {
    while (running) {
      long now = System.nanoTime();
      Ticket head;
      while ((head = queue.peek()) != null && head.deadlineNanos - now <= 0) {
        queue.poll();
        Future<?> exchange = head.exchange;
        if (exchange != null) {
          exchange.cancel(true);
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
