package dev.fanout.history;

import java.util.List;

/**
 * Everything recorded about one delivery: its history records in the order they were written
 * (attempts, holds and dead letters, across retries and replays), and its records on the
 * dead-letter topic.
 */
public record DeliveryStory(
    String deliveryId, List<HistoryRecord> history, List<DeadLetterEntry> deadLetters) {

  public boolean isEmpty() {
    return history.isEmpty() && deadLetters.isEmpty();
  }
}
