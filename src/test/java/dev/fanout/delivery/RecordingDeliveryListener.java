package dev.fanout.delivery;

import dev.fanout.deadletter.DeadLetter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every call, in order, for assertions. */
final class RecordingDeliveryListener implements DeliveryListener {
  record Attempt(DeliveryTask task, Outcome outcome) {}

  record Retry(DeliveryTask task, Outcome.Retry outcome, String tier, Duration delay) {}

  record Held(DeliveryTask task, String reason, Duration delay) {}

  record WriteFailure(DeadLetter deadLetter, Throwable error) {}

  final List<Attempt> attempts = new CopyOnWriteArrayList<>();
  final List<DeliveryTask> delivered = new CopyOnWriteArrayList<>();
  final List<Retry> retries = new CopyOnWriteArrayList<>();
  final List<Held> held = new CopyOnWriteArrayList<>();
  final List<DeadLetter> deadLettered = new CopyOnWriteArrayList<>();
  final List<WriteFailure> writeFailures = new CopyOnWriteArrayList<>();
  final List<DeliveryTask> fenced = new CopyOnWriteArrayList<>();

  @Override
  public void fenced(DeliveryTask task) {
    fenced.add(task);
  }

  @Override
  public void attemptFinished(DeliveryTask task, Outcome outcome, Duration elapsed) {
    attempts.add(new Attempt(task, outcome));
  }

  /** The response snippet each attempt was reported with (absent ones as an empty Optional). */
  final List<java.util.Optional<ResponseSnippet>> snippets = new CopyOnWriteArrayList<>();

  @Override
  public void attemptFinished(
      DeliveryTask task, Outcome outcome, Duration elapsed, ResponseSnippet response) {
    snippets.add(java.util.Optional.ofNullable(response));
    attemptFinished(task, outcome, elapsed);
  }

  @Override
  public void delivered(DeliveryTask task) {
    delivered.add(task);
  }

  @Override
  public void retryScheduled(
      DeliveryTask task, Outcome.Retry outcome, String tier, Duration delay) {
    retries.add(new Retry(task, outcome, tier, delay));
  }

  @Override
  public void held(DeliveryTask task, String reason, Duration wait) {
    held.add(new Held(task, reason, wait));
  }

  @Override
  public void deadLettered(DeadLetter deadLetter) {
    deadLettered.add(deadLetter);
  }

  @Override
  public void deadLetterWriteFailed(DeadLetter deadLetter, Throwable error) {
    writeFailures.add(new WriteFailure(deadLetter, error));
  }
}
