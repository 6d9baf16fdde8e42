package dev.fanout.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.deadletter.DeadLetter;
import dev.fanout.deadletter.DeadLetterWriter;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps what it acknowledged in {@link #written}, after failing the first {@link #failNext} writes;
 * in manual mode it hands each future to the test instead.
 */
final class FakeDeadLetterWriter implements DeadLetterWriter {
  final AtomicInteger failNext = new AtomicInteger();
  final AtomicInteger calls = new AtomicInteger();
  final List<DeadLetter> written = new CopyOnWriteArrayList<>();
  final BlockingQueue<CompletableFuture<Void>> pending = new LinkedBlockingQueue<>();
  volatile boolean manual;

  @Override
  public CompletableFuture<Void> write(DeadLetter deadLetter) {
    calls.incrementAndGet();
    if (manual) {
      CompletableFuture<Void> ack = new CompletableFuture<>();
      ack.thenRun(() -> written.add(deadLetter));
      pending.add(ack);
      return ack;
    }
    if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return CompletableFuture.failedFuture(new IllegalStateException("broker unavailable"));
    }
    written.add(deadLetter);
    return CompletableFuture.completedFuture(null);
  }

  DeadLetter single() {
    assertThat(written).hasSize(1);
    return written.get(0);
  }
}
