package dev.fanout.history;

import dev.fanout.deadletter.DeadLetter;
import dev.fanout.delivery.DeliveryListener;
import dev.fanout.delivery.DeliveryTask;
import dev.fanout.delivery.Outcome;
import dev.fanout.delivery.ResponseSnippet;
import java.time.Clock;
import java.time.Duration;

/**
 * Turns what the delivery engine reports into history records: one per attempt, one per hold, one
 * per dead letter of a delivery (not for unreadable events, which have no delivery id).
 *
 * <p>Runs on the engine's threads, so it only builds a small record and hands it to the writer,
 * which never blocks; encoding and sending happen on the writer's own thread. Thread-safe.
 */
public final class HistoryListener implements DeliveryListener {
  private final HistoryWriter writer;
  private final Clock clock;

  public HistoryListener(HistoryWriter writer, Clock clock) {
    this.writer = writer;
    this.clock = clock;
  }

  @Override
  public void attemptFinished(DeliveryTask task, Outcome outcome, Duration elapsed) {
    attemptFinished(task, outcome, elapsed, null);
  }

  @Override
  public void attemptFinished(
      DeliveryTask task, Outcome outcome, Duration elapsed, ResponseSnippet response) {
    String result;
    int status;
    String error;
    String message;
    if (outcome instanceof Outcome.Delivered d) {
      result = HistoryRecord.DELIVERED;
      status = d.status();
      error = null;
      message = null;
    } else if (outcome instanceof Outcome.Retry r) {
      result = HistoryRecord.RETRY;
      status = r.status();
      error = r.reason();
      message = r.message();
    } else {
      Outcome.DeadLetter d = (Outcome.DeadLetter) outcome;
      result = HistoryRecord.DEAD_LETTERED;
      status = d.status();
      error = d.reason();
      message = d.message();
    }
    writer.append(
        new HistoryRecord(
            HistoryRecord.ATTEMPT,
            task.deliveryId(),
            task.subscription().id(),
            task.event().id(),
            task.event().type(),
            task.attempts(),
            task.replays(),
            result,
            status,
            error,
            message,
            elapsed.toMillis(),
            task.lastAttemptAt() != null ? task.lastAttemptAt() : clock.instant(),
            response));
  }

  @Override
  public void held(DeliveryTask task, String reason, Duration wait) {
    writer.append(
        new HistoryRecord(
            HistoryRecord.HOLD,
            task.deliveryId(),
            task.subscription().id(),
            task.event().id(),
            task.event().type(),
            task.attempts(),
            task.replays(),
            reason,
            0,
            null,
            null,
            wait.toMillis(),
            clock.instant(),
            null));
  }

  @Override
  public void deadLettered(DeadLetter deadLetter) {
    if (deadLetter.deliveryId() == null) {
      return; // an unreadable event: no delivery, nothing to key a history record by
    }
    writer.append(
        new HistoryRecord(
            HistoryRecord.DEAD_LETTER,
            deadLetter.deliveryId(),
            deadLetter.webhookId(),
            deadLetter.eventId(),
            deadLetter.eventType(),
            deadLetter.attempts(),
            deadLetter.replays(),
            HistoryRecord.DEAD_LETTERED,
            deadLetter.httpStatus(),
            deadLetter.reason(),
            deadLetter.error(),
            0,
            clock.instant(),
            null));
  }
}
