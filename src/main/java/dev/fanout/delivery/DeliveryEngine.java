package dev.fanout.delivery;

import dev.fanout.deadletter.DeadLetter;
import dev.fanout.deadletter.DeadLetterWriter;
import dev.fanout.subscription.Subscription;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a delivery task through one attempt to a durable end: delivered, handed to a retry tier, or
 * dead-lettered.
 *
 * <pre>
 *   deliver(task) ─► EndpointGuards ─┬─ Queued (endpoint at its in-flight limit) ─► starts when a slot frees
 *                                    ├─ Held (circuit open, queue full) ─► retry tier, no attempt used
 *                                    ├─ Throttled (webhook rate limit) ─► wait in process, try again
 *                                    └─ Admitted ─► sign + POST ─► OutcomeClassifier
 *        ├─ Delivered ───────────────────────────────────────────────────────► done
 *        ├─ Retry ── schedule left and within retry.max-age? ─ yes ─► retry tier (due after delay)
 *        │                                                  └ no ──► dead-letter (last reason / expired)
 *        └─ DeadLetter (410, 413, blocked target) ──────────────────────────► dead-letter (410: disable)
 * </pre>
 *
 * The future of {@link #deliver} completes only when the task's end is durable: the broker has
 * acknowledged the retry or dead-letter record. A write that fails is tried again with backoff and
 * never counted as done, so a source offset is never committed past work that could be lost. Waits
 * never happen here (apart from a webhook's own rate limit): they are retry tier records, so a dead
 * endpoint costs memory for nothing but its in-flight requests. Thread-safe.
 */
public final class DeliveryEngine {
  private static final Logger log = LoggerFactory.getLogger(DeliveryEngine.class);
  private static final Duration MAX_WRITE_BACKOFF = Duration.ofSeconds(30);

  private final WebhookSender sender;
  private final DeadLetterWriter deadLetters;
  private final RetryScheduler retries;
  private final Consumer<Subscription> disableWebhook;
  private final RetryPolicy retryPolicy;
  private final EndpointGuards guards;
  private final DeliveryListener listener;
  private final Clock clock;
  private final ScheduledExecutorService executor;
  private final AtomicInteger inFlight = new AtomicInteger();

  public DeliveryEngine(
      WebhookSender sender,
      DeadLetterWriter deadLetters,
      RetryScheduler retries,
      Consumer<Subscription> disableWebhook,
      RetryPolicy retryPolicy,
      EndpointGuards guards,
      DeliveryListener listener,
      Clock clock,
      ScheduledExecutorService executor) {
    this.sender = sender;
    this.deadLetters = deadLetters;
    this.retries = retries;
    this.disableWebhook = disableWebhook;
    this.retryPolicy = retryPolicy;
    this.guards = guards;
    this.listener = listener;
    this.clock = clock;
    this.executor = executor;
  }

  /** Tasks started and not yet at a durable end. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Makes one attempt of the task (unless held) and takes it to a durable end. */
  public CompletableFuture<Void> deliver(DeliveryTask task) {
    CompletableFuture<Void> done = track();
    attempt(task, done);
    return done;
  }

  /** Hands a task that is not due yet to a later retry tier, using up no attempt. */
  public CompletableFuture<Void> park(DeliveryTask task, Instant dueAt) {
    CompletableFuture<Void> done = track();
    handOver(task, dueAt, done, tier -> {});
    return done;
  }

  /** Dead-letters what never became a task (an invalid event, an unreadable retry record). */
  public CompletableFuture<Void> deadLetter(DeadLetter deadLetter) {
    CompletableFuture<Void> done = track();
    writeDeadLetter(deadLetter, done);
    return done;
  }

  private CompletableFuture<Void> track() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    inFlight.incrementAndGet();
    done.whenComplete((v, e) -> inFlight.decrementAndGet());
    return done;
  }

  private void attempt(DeliveryTask task, CompletableFuture<Void> done) {
    decide(task, guards.admit(task, () -> decide(task, guards.admitWithSlot(task), done)), done);
  }

  private void decide(
      DeliveryTask task, EndpointGuards.Decision decision, CompletableFuture<Void> done) {
    if (decision instanceof EndpointGuards.Queued) {
      return; // started again, with a slot, when the endpoint has one free
    }
    if (decision instanceof EndpointGuards.Held held) {
      hold(task, held, done);
      return;
    }
    if (decision instanceof EndpointGuards.Throttled throttled) {
      later(() -> decide(task, guards.admitWithSlot(task), done), throttled.delay());
      return;
    }
    EndpointGuards.Admitted admitted = (EndpointGuards.Admitted) decision;
    Instant startedAt = clock.instant();
    DeliveryTask attempted = task.afterAttempt(startedAt);
    long startNanos = System.nanoTime();
    WebhookRequest request;
    try {
      request = WebhookRequests.build(attempted, startedAt);
    } catch (RuntimeException e) {
      // A subscription that cannot be turned into a request must not stop the dispatcher: the
      // task is dead-lettered, and the message names the exception's type only (it may hold a key).
      guards.abandon(admitted);
      log.error(
          "cannot build the request of delivery {}: {}",
          attempted.deliveryId(),
          e.getClass().getName());
      writeDeadLetter(
          deadLetterOf(
              attempted, "invalid_event", 0, "request not built: " + e.getClass().getSimpleName()),
          done);
      return;
    }
    sender
        .send(request)
        .thenAcceptAsync(
            result -> {
              Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
              Outcome outcome = OutcomeClassifier.classify(result);
              guards.release(admitted, outcome, elapsed);
              safely(() -> listener.attemptFinished(attempted, outcome, elapsed));
              settle(attempted, outcome, done);
            },
            executor)
        .exceptionally(
            e -> {
              // Only a bug or a shutdown gets here (the sender never fails its future). During a
              // shutdown the task stays unfinished and its offset uncommitted: it is sent again.
              log.error("delivery {} failed unexpectedly", attempted.deliveryId(), e);
              return null;
            });
  }

  private void settle(DeliveryTask task, Outcome outcome, CompletableFuture<Void> done) {
    if (outcome instanceof Outcome.Delivered) {
      safely(() -> listener.delivered(task));
      done.complete(null);
    } else if (outcome instanceof Outcome.DeadLetter d) {
      if (d.disableWebhook()) {
        safely(() -> disableWebhook.accept(task.subscription()));
      }
      writeDeadLetter(deadLetterOf(task, d.reason(), d.status(), d.message()), done);
    } else {
      retryOrGiveUp(task, (Outcome.Retry) outcome, done);
    }
  }

  private void retryOrGiveUp(DeliveryTask task, Outcome.Retry retry, CompletableFuture<Void> done) {
    Optional<Duration> delay = retryPolicy.nextDelay(task.attempts(), retry.retryAfter());
    if (delay.isEmpty()) {
      writeDeadLetter(deadLetterOf(task, retry.reason(), retry.status(), retry.message()), done);
      return;
    }
    Instant dueAt = clock.instant().plus(delay.get());
    if (retryPolicy.expired(task.firstAttemptAt(), dueAt)) {
      writeDeadLetter(deadLetterOf(task, "expired", retry.status(), retry.message()), done);
      return;
    }
    handOver(task, dueAt, done, tier -> listener.retryScheduled(task, retry, tier, delay.get()));
  }

  /** Held work goes to a retry tier as it is: no attempt is used up. */
  private void hold(DeliveryTask task, EndpointGuards.Held held, CompletableFuture<Void> done) {
    Instant dueAt = clock.instant().plus(held.delay());
    Instant since =
        task.firstAttemptAt() != null ? task.firstAttemptAt() : task.origin().timestamp();
    if (retryPolicy.expired(since, dueAt)) {
      writeDeadLetter(
          deadLetterOf(
              task,
              "expired",
              0,
              held.reason() + " for " + Endpoints.key(task.subscription().url())),
          done);
      return;
    }
    handOver(task, dueAt, done, tier -> listener.held(task, held.reason(), held.delay()));
  }

  private void handOver(
      DeliveryTask task, Instant dueAt, CompletableFuture<Void> done, Consumer<String> onTier) {
    durably(
        () -> retries.schedule(task, dueAt),
        tier -> {
          safely(() -> onTier.accept(tier));
          done.complete(null);
        },
        error -> {
          if (refused(error)) {
            // Retrying the same write cannot help: the task ends in the dead-letter topic.
            writeDeadLetter(
                deadLetterOf(task, "payload_too_large", 0, "too large for a retry tier"), done);
            return true;
          }
          log.warn("retry hand-over of {} failed: {}", task.deliveryId(), error.toString());
          return false;
        },
        0);
  }

  private static boolean refused(Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    return cause instanceof RetryScheduler.Refused;
  }

  private void writeDeadLetter(DeadLetter deadLetter, CompletableFuture<Void> done) {
    durably(
        () -> deadLetters.write(deadLetter),
        ok -> {
          safely(() -> listener.deadLettered(deadLetter));
          done.complete(null);
        },
        error -> {
          safely(() -> listener.deadLetterWriteFailed(deadLetter, error));
          return false;
        },
        0);
  }

  /**
   * Runs a write until the broker acknowledges it, backing off up to 30 s between tries, unless
   * {@code onFailure} answers true: it has then taken the failure over.
   */
  private <T> void durably(
      Supplier<CompletableFuture<T>> write,
      Consumer<T> onSuccess,
      Predicate<Throwable> onFailure,
      int failures) {
    write
        .get()
        .whenComplete(
            (result, error) -> {
              if (error == null) {
                onSuccess.accept(result);
                return;
              }
              if (onFailure.test(error)) {
                return;
              }
              long backoff = Math.min(MAX_WRITE_BACKOFF.toMillis(), 500L << Math.min(failures, 10));
              later(
                  () -> durably(write, onSuccess, onFailure, failures + 1),
                  Duration.ofMillis(backoff));
            });
  }

  /**
   * Runs a listener or callback: its failure is logged, never allowed to leave a task without an
   * end (which would keep its offset uncommitted and its in-flight slot taken for good).
   */
  private static void safely(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      log.error("a delivery listener failed", e);
    }
  }

  private void later(Runnable action, Duration delay) {
    try {
      executor.schedule(action, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException shuttingDown) {
      // The worker is stopping: the task stays unfinished, its offset is not committed, and the
      // next owner of the partition delivers it again.
    }
  }

  private static DeadLetter deadLetterOf(
      DeliveryTask task, String reason, int status, String error) {
    return new DeadLetter(
        task.origin(),
        task.event().body(),
        reason,
        task.subscription().id(),
        task.deliveryId(),
        task.event().id(),
        task.event().type(),
        status,
        error,
        task.attempts(),
        task.firstAttemptAt(),
        task.lastAttemptAt());
  }
}
