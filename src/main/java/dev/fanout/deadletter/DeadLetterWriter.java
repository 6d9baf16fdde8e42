package dev.fanout.deadletter;

import java.util.concurrent.CompletableFuture;

/**
 * Writes dead-letter records. The future completes only when the record is durable (acknowledged by
 * the broker), and exceptionally when it is not: a caller must not treat the task as done then.
 */
public interface DeadLetterWriter {
  CompletableFuture<Void> write(DeadLetter deadLetter);
}
