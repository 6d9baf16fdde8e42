package dev.fanout.subscription;

import java.util.concurrent.CompletableFuture;

/** Writes subscription records. Futures complete when the write is durable. */
public interface SubscriptionWriter {
  CompletableFuture<Void> put(String id, byte[] value);

  /** Writes a tombstone: compaction then removes the subscription for good. */
  CompletableFuture<Void> delete(String id);
}
