package dev.fanout.history;

/**
 * Takes history records for the attempts topic. {@link #append} never blocks and never throws: when
 * the writer cannot keep up, it drops the record and counts it. Thread-safe.
 */
public interface HistoryWriter extends AutoCloseable {
  void append(HistoryRecord record);

  /** Hands over what is buffered, briefly, and stops. */
  @Override
  void close() throws InterruptedException;
}
