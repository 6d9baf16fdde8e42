package dev.fanout.delivery;

import dev.fanout.deadletter.DeadLetter;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Several listeners heard as one, in order. A listener that throws does not keep the others from
 * hearing the event; the first failure is rethrown once all have been called. Thread-safe when the
 * listeners are.
 */
public final class DeliveryListeners implements DeliveryListener {
  private final List<DeliveryListener> listeners;

  private DeliveryListeners(List<DeliveryListener> listeners) {
    this.listeners = listeners;
  }

  public static DeliveryListener of(List<DeliveryListener> listeners) {
    return listeners.size() == 1 ? listeners.get(0) : new DeliveryListeners(List.copyOf(listeners));
  }

  private void each(Consumer<DeliveryListener> call) {
    RuntimeException first = null;
    for (DeliveryListener l : listeners) {
      try {
        call.accept(l);
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  @Override
  public void attemptFinished(DeliveryTask task, Outcome outcome, Duration elapsed) {
    each(l -> l.attemptFinished(task, outcome, elapsed));
  }

  @Override
  public void attemptFinished(
      DeliveryTask task, Outcome outcome, Duration elapsed, ResponseSnippet response) {
    each(l -> l.attemptFinished(task, outcome, elapsed, response));
  }

  @Override
  public void delivered(DeliveryTask task) {
    each(l -> l.delivered(task));
  }

  @Override
  public void retryScheduled(
      DeliveryTask task, Outcome.Retry outcome, String tier, Duration delay) {
    each(l -> l.retryScheduled(task, outcome, tier, delay));
  }

  @Override
  public void held(DeliveryTask task, String reason, Duration wait) {
    each(l -> l.held(task, reason, wait));
  }

  @Override
  public void deadLettered(DeadLetter deadLetter) {
    each(l -> l.deadLettered(deadLetter));
  }

  @Override
  public void fenced(DeliveryTask task) {
    each(l -> l.fenced(task));
  }

  @Override
  public void deadLetterWriteFailed(DeadLetter deadLetter, Throwable error) {
    each(l -> l.deadLetterWriteFailed(deadLetter, error));
  }
}
