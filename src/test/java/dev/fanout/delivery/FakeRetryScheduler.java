package dev.fanout.delivery;

import dev.fanout.retry.RetryScheduler;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records every hand-over it is asked for. It acknowledges each with {@link #TIER}, after failing
 * the first {@link #failNext} ones; in manual mode it hands each future to the test instead.
 */
final class FakeRetryScheduler implements RetryScheduler {
  static final String TIER = "5s";

  record HandOver(DeliveryTask task, Instant dueAt) {}

  final List<HandOver> calls = new CopyOnWriteArrayList<>();
  final AtomicInteger failNext = new AtomicInteger();
  final BlockingQueue<CompletableFuture<String>> pending = new LinkedBlockingQueue<>();
  volatile boolean manual;
  volatile boolean refuse;

  @Override
  public CompletableFuture<String> schedule(DeliveryTask task, Instant dueAt) {
    calls.add(new HandOver(task, dueAt));
    if (manual) {
      CompletableFuture<String> ack = new CompletableFuture<>();
      pending.add(ack);
      return ack;
    }
    if (refuse) {
      return CompletableFuture.failedFuture(new Retries.Refused("too large"));
    }
    if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return CompletableFuture.failedFuture(new IllegalStateException("broker unavailable"));
    }
    return CompletableFuture.completedFuture(TIER);
  }
}
