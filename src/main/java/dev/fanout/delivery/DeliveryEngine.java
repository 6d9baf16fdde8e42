package dev.fanout.delivery;

import dev.fanout.deadletter.DeadLetter;
import dev.fanout.deadletter.DeadLetterWriter;
import dev.fanout.subscription.Subscription;
import dev.fanout.subscription.SubscriptionTable;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a delivery task to its end: delivered, or durably dead-lettered.
 *
 * <pre>
 *   deliver(task) ─► breaker permits? ──no──► held: wait out the open circuit (no attempt used)
 *                         │yes                       until retry.max-age ─► dead-letter "expired"
 *                         ▼
 *                  sign + POST ─► OutcomeClassifier
 *                                   ├─ Delivered ───────────────► done
 *                                   ├─ Retry ── attempts left? ─► wait (schedule, jitter, Retry-After)
 *                                   │              └─ no ───────► dead-letter (last failure's reason)
 *                                   └─ DeadLetter (410, 413, blocked target) ─► dead-letter now
 *                                                   410 also disables the webhook
 * </pre>
 *
 * The future of {@link #deliver} completes only at the end; a dead-letter write that fails is
 * retried with backoff, never counted as done, so a record's offset is not committed past work that
 * is not durable. Retries re-read the subscription, so a changed URL or secret applies and a
 * deleted or disabled webhook stops receiving. Thread-safe.
 */
public final class DeliveryEngine {
  private static final Logger log = LoggerFactory.getLogger(DeliveryEngine.class);
  private static final Duration MAX_DEAD_LETTER_BACKOFF = Duration.ofSeconds(30);

  private final WebhookSender sender;
  private final DeadLetterWriter deadLetters;
  private final SubscriptionTable subscriptions;
  private final Consumer<Subscription> disableWebhook;
  private final RetryPolicy retryPolicy;
  private final int inProcessAttempts;
  private final CircuitBreakerRegistry breakers;
  private final DeliveryListener listener;
  private final Clock clock;
  private final ScheduledExecutorService executor;
  private final AtomicInteger inFlight = new AtomicInteger();

  public DeliveryEngine(
      WebhookSender sender,
      DeadLetterWriter deadLetters,
      SubscriptionTable subscriptions,
      Consumer<Subscription> disableWebhook,
      RetryPolicy retryPolicy,
      int inProcessAttempts,
      CircuitBreakerRegistry breakers,
      DeliveryListener listener,
      Clock clock,
      ScheduledExecutorService executor) {
    this.sender = sender;
    this.deadLetters = deadLetters;
    this.subscriptions = subscriptions;
    this.disableWebhook = disableWebhook;
    this.retryPolicy = retryPolicy;
    this.inProcessAttempts = inProcessAttempts;
    this.breakers = breakers;
    this.listener = listener;
    this.clock = clock;
    this.executor = executor;
  }

  /** Tasks started and not yet at their end, retries waiting included. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Delivers one task; the future completes when the task is delivered or dead-lettered. */
  public CompletableFuture<Void> deliver(DeliveryTask task) {
    CompletableFuture<Void> done = track(new CompletableFuture<>());
    attempt(task, done);
    return done;
  }

  /** Dead-letters an event that never became a task (invalid, too large). */
  public CompletableFuture<Void> deadLetter(DeadLetter deadLetter) {
    CompletableFuture<Void> done = track(new CompletableFuture<>());
    writeDeadLetter(deadLetter, done, 0);
    return done;
  }

  private CompletableFuture<Void> track(CompletableFuture<Void> done) {
    inFlight.incrementAndGet();
    done.whenComplete((v, e) -> inFlight.decrementAndGet());
    return done;
  }

  private void attempt(DeliveryTask queued, CompletableFuture<Void> done) {
    DeliveryTask task = refreshed(queued);
    if (task == null) {
      listener.cancelled(queued);
      done.complete(null);
      return;
    }
    CircuitBreaker breaker = breakers.circuitBreaker(Endpoints.key(task.subscription().url()));
    if (!breaker.tryAcquirePermission()) {
      hold(task, breaker, done);
      return;
    }
    Instant startedAt = clock.instant();
    DeliveryTask attempted = task.afterAttempt(startedAt);
    long startNanos = System.nanoTime();
    sender
        .send(WebhookRequests.build(attempted, startedAt))
        .thenAcceptAsync(
            result -> {
              Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
              Outcome outcome = OutcomeClassifier.classify(result);
              if (outcome.endpointFailure()) {
                breaker.onError(
                    elapsed.toNanos(), TimeUnit.NANOSECONDS, new EndpointFailure(outcome));
              } else {
                breaker.onSuccess(elapsed.toNanos(), TimeUnit.NANOSECONDS);
              }
              listener.attemptFinished(attempted, outcome, elapsed);
              settle(attempted, outcome, done);
            },
            executor)
        .exceptionally(
            e -> {
              // Only a bug gets here (the sender never fails its future): keep the task alive.
              log.error("delivery {} failed unexpectedly; retrying", attempted.deliveryId(), e);
              later(() -> attempt(queued, done), Duration.ofSeconds(1), done);
              return null;
            });
  }

  private void settle(DeliveryTask task, Outcome outcome, CompletableFuture<Void> done) {
    if (outcome instanceof Outcome.Delivered) {
      listener.delivered(task);
      done.complete(null);
    } else if (outcome instanceof Outcome.DeadLetter d) {
      if (d.disableWebhook()) {
        disableWebhook.accept(task.subscription());
      }
      writeDeadLetter(deadLetterOf(task, d.reason(), d.status(), d.message()), done, 0);
    } else {
      retryOrGiveUp(task, (Outcome.Retry) outcome, done);
    }
  }

  private void retryOrGiveUp(DeliveryTask task, Outcome.Retry retry, CompletableFuture<Void> done) {
    Optional<Duration> delay =
        task.attempts() > inProcessAttempts
            ? Optional.empty()
            : retryPolicy.nextDelay(task.attempts(), retry.retryAfter());
    if (delay.isEmpty()) {
      writeDeadLetter(deadLetterOf(task, retry.reason(), retry.status(), retry.message()), done, 0);
      return;
    }
    if (retryPolicy.expired(task.firstAttemptAt(), clock.instant().plus(delay.get()))) {
      writeDeadLetter(deadLetterOf(task, "expired", retry.status(), retry.message()), done, 0);
      return;
    }
    listener.retryScheduled(task, retry, retryPolicy.tierName(task.attempts()), delay.get());
    later(() -> attempt(task, done), delay.get(), done);
  }

  /** An open circuit holds the task until the breaker lets a probe through; no attempt is used. */
  private void hold(DeliveryTask task, CircuitBreaker breaker, CompletableFuture<Void> done) {
    Duration wait = breakerWait(breaker);
    Instant firstSeen =
        task.firstAttemptAt() == null ? task.origin().timestamp() : task.firstAttemptAt();
    if (retryPolicy.expired(firstSeen, clock.instant().plus(wait))) {
      writeDeadLetter(
          deadLetterOf(
              task, "expired", 0, "circuit open for " + Endpoints.key(task.subscription().url())),
          done,
          0);
      return;
    }
    listener.held(task, wait);
    later(() -> attempt(task, done), wait, done);
  }

  private static Duration breakerWait(CircuitBreaker breaker) {
    Duration configured =
        Duration.ofMillis(
            breaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1));
    // Half-open with all probe permits taken: check back soon rather than a full open interval.
    return breaker.getState() == CircuitBreaker.State.HALF_OPEN
        ? Duration.ofMillis(Math.min(1000, configured.toMillis()))
        : configured;
  }

  /**
   * The task with the current version of its subscription, or null when the webhook was deleted or
   * disabled in the meantime.
   */
  private DeliveryTask refreshed(DeliveryTask task) {
    if (task.attempts() == 0) {
      return task;
    }
    return subscriptions
        .get(task.subscription().id())
        .filter(Subscription::enabled)
        .map(task::withSubscription)
        .orElse(null);
  }

  private void writeDeadLetter(DeadLetter deadLetter, CompletableFuture<Void> done, int failures) {
    deadLetters
        .write(deadLetter)
        .whenComplete(
            (ok, error) -> {
              if (error == null) {
                listener.deadLettered(deadLetter);
                done.complete(null);
                return;
              }
              Duration backoff =
                  Duration.ofMillis(
                      Math.min(MAX_DEAD_LETTER_BACKOFF.toMillis(), 500L << Math.min(failures, 10)));
              listener.deadLetterWriteFailed(deadLetter, error, backoff);
              later(() -> writeDeadLetter(deadLetter, done, failures + 1), backoff, done);
            });
  }

  private void later(Runnable action, Duration delay, CompletableFuture<Void> done) {
    try {
      executor.schedule(action, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException shuttingDown) {
      // The worker is stopping: the task stays unfinished, so its offset is not committed and the
      // next owner of the partition delivers it again.
      log.debug("not rescheduling {} during shutdown", done);
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

  /** What the breaker records for an unhealthy answer; its message names only the reason. */
  static final class EndpointFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    EndpointFailure(Outcome outcome) {
      super(outcome instanceof Outcome.Retry r ? r.reason() : "failure", null, false, false);
    }
  }
}
