package dev.fanout.history;

import java.time.Instant;

/**
 * One delivery as {@code deliveries list} shows it, built from its latest history record.
 *
 * @param attempts the number of its latest attempt (counted again from 1 after a replay)
 * @param status the HTTP status of its latest attempt, or 0 without a response
 * @param state {@code delivered}, {@code retrying} (its latest attempt failed and a retry is due),
 *     {@code held} or {@code dead_lettered}
 * @param at the time of its latest record
 */
public record DeliverySummary(
    String deliveryId,
    String webhookId,
    String eventId,
    String eventType,
    int attempts,
    int replays,
    int status,
    String state,
    Instant at) {

  public static final String RETRYING = "retrying";
  public static final String HELD = "held";

  /** The summary after {@code r}, the delivery's next record; {@code previous} may be null. */
  static DeliverySummary after(DeliverySummary previous, HistoryRecord r) {
    int attempts = r.attempt();
    int status = r.status();
    String state;
    switch (r.kind()) {
      case HistoryRecord.ATTEMPT ->
          state = HistoryRecord.RETRY.equals(r.outcome()) ? RETRYING : r.outcome();
      case HistoryRecord.HOLD -> {
        state = HELD;
        status = previous == null ? 0 : previous.status();
      }
      default -> {
        state = HistoryRecord.DEAD_LETTERED;
        if (status == 0 && previous != null) {
          status = previous.status();
        }
      }
    }
    return new DeliverySummary(
        r.deliveryId(),
        r.webhookId(),
        r.eventId(),
        r.eventType(),
        attempts,
        r.replays(),
        status,
        state,
        r.at());
  }

  public boolean failed() {
    return !HistoryRecord.DELIVERED.equals(state);
  }
}
