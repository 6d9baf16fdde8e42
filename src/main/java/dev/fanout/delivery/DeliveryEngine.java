package dev.fanout.delivery;

import dev.fanout.deadletter.DeadLetter;
import dev.fanout.deadletter.DeadLetterWriter;
import dev.fanout.deadletter.Reasons;
import dev.fanout.subscription.Subscription;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
 *   deliver(task) ─► EndpointScheduler ─┬─ hold (breaker open, or it cannot start in time)
 *                                       │      └─► Retries.afterHold ─► retry tier, no attempt used
 *                                       └─ start ─► sign + POST ─► OutcomeClassifier
 *        ├─ Delivered ─────────────────────────────────────────────────────► done
 *        ├─ Retry ── Retries.afterFailure ─┬─ Later ─► retry tier (due after the delay)
 *        │                                 └─ GiveUp ─► dead-letter (last reason, or expired)
 *        └─ DeadLetter (410, 413, blocked target) ─────────────────────────► dead-letter (410: disable)
 *   a webhook whose secret cannot be read ─────────────► dead-letter (secret_unavailable), no request
 * </pre>
 *
 * The future of {@link #deliver} completes only when the task's end is durable: the broker has
 * acknowledged the retry or dead-letter record. A write that fails is tried again with backoff and
 * never counted as done, so a source offset is never committed past work that could be lost.
 *
 * <p>Memory is bounded by the {@link Budget} (at most {@code delivery.max-in-flight}): the tasks
 * between {@link #deliver} and their durable end. Consumer loops ask {@link #admits} before they
 * start a record, and wait on {@link #room} when it says no.
 *
 * <p>Every task knows its {@link Source}. A task whose partition this member no longer owns sends
 * nothing more and writes nothing: the next owner redoes it from the uncommitted offset, and one
 * delivery never becomes two retry chains. Its future completes all the same (a revoked partition's
 * offsets are no longer read), and it is counted as fenced. A write that keeps failing is tried
 * again, backing off up to 30 s, and after {@value #FAILURES_BEFORE_STUCK} failures its source is
 * told, so that its loop stops consuming that partition until the write goes through. Thread-safe.
 */
public final class DeliveryEngine {
  private static final Logger log = LoggerFactory.getLogger(DeliveryEngine.class);
  private static final Duration MAX_WRITE_BACKOFF = Duration.ofSeconds(30);

  /** Failures of one write after which its source partition is reported stuck. */
  static final int FAILURES_BEFORE_STUCK = 3;

  private final WebhookSender sender;
  private final DeadLetterWriter deadLetters;
  private final Retries retries;
  private final Consumer<Subscription> disableWebhook;
  private final EndpointScheduler scheduler;
  private final RoomSignal room;
  private final DeliveryListener listener;
  private final Clock clock;
  private final ScheduledExecutorService executor;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Budget budget;

  /**
   * @param scheduler its {@link EndpointScheduler#budget} bounds the tasks between {@link #deliver}
   *     and their durable end, and {@link #admits} keeps to it
   * @param room signalled by the scheduler and by every task's end
   */
  public DeliveryEngine(
      WebhookSender sender,
      DeadLetterWriter deadLetters,
      Retries retries,
      Consumer<Subscription> disableWebhook,
      EndpointScheduler scheduler,
      RoomSignal room,
      DeliveryListener listener,
      Clock clock,
      ScheduledExecutorService executor) {
    this.sender = sender;
    this.deadLetters = deadLetters;
    this.retries = retries;
    this.disableWebhook = disableWebhook;
    this.scheduler = scheduler;
    this.room = room;
    this.budget = scheduler.budget();
    this.listener = listener;
    this.clock = clock;
    this.executor = executor;
  }

  /** Tasks started and not yet at a durable end. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Tasks waiting in memory for their endpoint. */
  public int waiting() {
    return scheduler.waiting();
  }

  /**
   * Whether a record with these tasks (none: a record that needs one write) may start now: the
   * budget has room, and no endpoint of its tasks holds more than its fair share. An empty engine
   * always admits, so a record with more tasks than the budget still goes through.
   */
  public boolean admits(List<DeliveryTask> tasks) {
    int now = inFlight.get();
    if (now == 0) {
      return true;
    }
    if (now + Math.max(1, tasks.size()) <= budget.get() && scheduler.hasRoomFor(tasks)) {
      return true;
    }
    budget.refused(); // a larger budget would have let it in, or raised its hosts' shares
    return false;
  }

  /**
   * Why nothing may be sent to the webhook now, or null. Its clock is read only for a webhook that
   * holds an unreadable secret at all, which is rare.
   */
  private String secretProblem(Subscription subscription) {
    return subscription.storedSecretProblem() == null
        ? null
        : subscription.secretProblem(clock.instant());
  }

  /**
   * The worker is stopping: endpoints that stopped answering start nothing more, so the drain waits
   * only for requests already out. See {@link EndpointScheduler#stopping}.
   */
  public void stopping() {
    scheduler.stopping();
  }

  /** What a loop waiting for {@link #admits} waits on. */
  public RoomSignal room() {
    return room;
  }

  /** Makes one attempt of the task (unless held) and takes it to a durable end. */
  public CompletableFuture<Void> deliver(DeliveryTask task, Source source) {
    CompletableFuture<Void> done = track();
    String secretProblem = secretProblem(task.subscription());
    if (secretProblem != null) {
      // Fail closed: a webhook whose secret cannot be read gets nothing, unsigned or otherwise.
      writeDeadLetter(
          deadLetterOf(task, Reasons.SECRET_UNAVAILABLE, 0, secretProblem), source, done);
      return done;
    }
    scheduler.offer(new Attempt(task, source, done));
    return done;
  }

  /** Hands a task that is not due yet to a later retry tier, using up no attempt. */
  public CompletableFuture<Void> park(DeliveryTask task, Instant dueAt, Source source) {
    CompletableFuture<Void> done = track();
    handOver(task, dueAt, source, done, tier -> {});
    return done;
  }

  /** Dead-letters what never became a task (an invalid event, an unreadable retry record). */
  public CompletableFuture<Void> deadLetter(DeadLetter deadLetter, Source source) {
    CompletableFuture<Void> done = track();
    writeDeadLetter(deadLetter, source, done);
    return done;
  }

  /**
   * Counts a task until its end. A loop waiting for room in the budget is woken once a tenth of the
   * budget is free, not at every task's end: it then starts records in batches, instead of being
   * woken thousands of times a second to start one.
   */
  private CompletableFuture<Void> track() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    inFlight.incrementAndGet();
    done.whenComplete(
        (v, e) -> {
          int limit = budget.get();
          if (inFlight.decrementAndGet() <= limit - Math.max(1, limit / 10)) {
            room.signal();
          }
        });
    return done;
  }

  /** One task's turn in the scheduler. */
  private final class Attempt implements EndpointScheduler.Job {
    private final DeliveryTask task;
    private final Source source;
    private final CompletableFuture<Void> done;

    Attempt(DeliveryTask task, Source source, CompletableFuture<Void> done) {
      this.task = task;
      this.source = source;
      this.done = done;
    }

    @Override
    public DeliveryTask task() {
      return task;
    }

    @Override
    public void start(EndpointScheduler.Permit permit) {
      if (!source.owned()) {
        scheduler.abandon(permit);
        fenced(task, done);
        return;
      }
      send(task, source, permit, done);
    }

    @Override
    public void hold(String reason, Duration wait) {
      DeliveryEngine.this.hold(task, reason, wait, source, done);
    }
  }

  /** The task's partition was revoked: it ends here, and the next owner does it again. */
  private void fenced(DeliveryTask task, CompletableFuture<Void> done) {
    safely(() -> listener.fenced(task));
    done.complete(null);
  }

  private void send(
      DeliveryTask task,
      Source source,
      EndpointScheduler.Permit permit,
      CompletableFuture<Void> done) {
    Instant startedAt = clock.instant();
    DeliveryTask attempted = task.afterAttempt(startedAt);
    long startNanos = System.nanoTime();
    WebhookRequest request;
    try {
      request = WebhookRequests.build(attempted, startedAt);
    } catch (RuntimeException e) {
      // A subscription that cannot be turned into a request must not stop the dispatcher: the
      // task is dead-lettered, and the message names the exception's type only (it may hold a key).
      scheduler.abandon(permit);
      log.error(
          "cannot build the request of delivery {}: {}",
          attempted.deliveryId(),
          e.getClass().getName());
      writeDeadLetter(
          deadLetterOf(
              attempted,
              Reasons.INVALID_EVENT,
              0,
              "request not built: " + e.getClass().getSimpleName()),
          source,
          done);
      return;
    }
    WebhookRequest sent = request;
    CompletableFuture<HttpResult> response = sender.send(sent);
    Consumer<HttpResult> onResult =
        result -> {
          long rtt = System.nanoTime() - startNanos;
          Outcome outcome = OutcomeClassifier.classify(result);
          scheduler.release(permit, outcome);
          // Decided before the attempt is reported, so that the attempt that uses up the last
          // retry is reported as what it is: the end of the delivery, not one more retry. A task
          // whose partition was revoked meanwhile ends fenced, and the next owner decides.
          Retries.Plan plan =
              outcome instanceof Outcome.Retry retry && source.owned()
                  ? retries.afterFailure(attempted, retry)
                  : null;
          Outcome reported = asReported(outcome, plan);
          if (log.isDebugEnabled()) {
            logAttempt(attempted, reported, rtt);
          }
          ResponseSnippet snippet = snippetOf(result, sent, attempted);
          safely(
              () -> listener.attemptFinished(attempted, reported, Duration.ofNanos(rtt), snippet));
          settle(attempted, reported, plan, source, done);
        };
    // The result is handled on the thread that completes it, the HTTP client's I/O thread: no hand
    // over per delivery. Nothing on that path blocks (the next request is handed to the client
    // without a lookup, and writes are queued for the record sender). A result that is there at
    // once (a request refused outright) goes through the executor, so that a queue of such tasks
    // does not recurse, one start inside the other.
    (response.isDone()
            ? response.thenAcceptAsync(onResult, executor)
            : response.thenAccept(onResult))
        .exceptionally(
            e -> {
              // Only a bug or a shutdown gets here (the sender never fails its future). During a
              // shutdown the task stays unfinished and its offset uncommitted: it is sent again.
              log.error("delivery {} failed unexpectedly", attempted.deliveryId(), e);
              return null;
            });
  }

  /**
   * The start of the answer, without the signatures sent or the webhook's secrets; null (and no
   * work) when the sender kept none.
   */
  private static ResponseSnippet snippetOf(
      HttpResult result, WebhookRequest request, DeliveryTask task) {
    return result instanceof HttpResult.Response r && r.snippet() != null
        ? Redaction.apply(r.snippet(), request, task.subscription())
        : null;
  }

  /** One line per attempt, at debug level: at high rates it is off. Never a secret or the body. */
  private static void logAttempt(DeliveryTask task, Outcome outcome, long rttNanos) {
    String result =
        outcome instanceof Outcome.Delivered d
            ? "delivered " + d.status()
            : outcome instanceof Outcome.Retry r
                ? r.reason() + " " + r.status() + " " + r.message()
                : ((Outcome.DeadLetter) outcome).reason();
    log.debug(
        "attempt {} of delivery {} (event {}, webhook {}): {} in {} ms",
        task.attempts(),
        task.deliveryId(),
        task.event().id(),
        task.subscription().id(),
        result,
        rttNanos / 1_000_000);
  }

  /** A retry whose plan gives up is reported as the dead letter it becomes. */
  private static Outcome asReported(Outcome outcome, Retries.Plan plan) {
    if (outcome instanceof Outcome.Retry retry && plan instanceof Retries.GiveUp giveUp) {
      return new Outcome.DeadLetter(giveUp.reason(), retry.status(), retry.message(), false);
    }
    return outcome;
  }

  /**
   * @param outcome as reported: a retry whose plan gives up is already a dead letter
   * @param plan for a {@link Outcome.Retry}, what {@link Retries#afterFailure} decided; else null
   */
  private void settle(
      DeliveryTask task,
      Outcome outcome,
      Retries.Plan plan,
      Source source,
      CompletableFuture<Void> done) {
    if (outcome instanceof Outcome.Delivered) {
      safely(() -> listener.delivered(task));
      done.complete(null);
    } else if (!source.owned()) {
      fenced(task, done);
    } else if (outcome instanceof Outcome.DeadLetter d) {
      if (d.disableWebhook()) {
        safely(() -> disableWebhook.accept(task.subscription()));
      }
      writeDeadLetter(deadLetterOf(task, d.reason(), d.status(), d.message()), source, done);
    } else {
      Outcome.Retry retry = (Outcome.Retry) outcome;
      Retries.Later later = (Retries.Later) plan;
      handOver(
          task,
          later.dueAt(),
          source,
          done,
          tier -> listener.retryScheduled(task, retry, tier, later.delay()));
    }
  }

  /** Held work goes to a retry tier as it is: no attempt is used up. */
  private void hold(
      DeliveryTask task,
      String reason,
      Duration wait,
      Source source,
      CompletableFuture<Void> done) {
    if (!source.owned()) {
      fenced(task, done);
      return;
    }
    Retries.Plan plan = retries.afterHold(task, wait);
    if (plan instanceof Retries.Later later) {
      DeliveryTask held = task.afterHold(clock.instant());
      handOver(
          held, later.dueAt(), source, done, tier -> listener.held(held, reason, later.delay()));
    } else {
      writeDeadLetter(
          deadLetterOf(
              task,
              Reasons.EXPIRED,
              0,
              reason + " for " + Endpoints.key(task.subscription().url())),
          source,
          done);
    }
  }

  private void handOver(
      DeliveryTask task,
      Instant dueAt,
      Source source,
      CompletableFuture<Void> done,
      Consumer<String> onTier) {
    durably(
        source,
        done,
        () -> retries.handOver(task, dueAt),
        tier -> {
          safely(() -> onTier.accept(tier));
          done.complete(null);
        },
        error -> {
          if (refused(error)) {
            // Retrying the same write cannot help: the task ends in the dead-letter topic.
            writeDeadLetter(
                deadLetterOf(task, Reasons.PAYLOAD_TOO_LARGE, 0, "too large for a retry tier"),
                source,
                done);
            return true;
          }
          log.warn("retry hand-over of {} failed: {}", task.deliveryId(), error.toString());
          return false;
        });
  }

  private static boolean refused(Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    return cause instanceof Retries.Refused;
  }

  private void writeDeadLetter(DeadLetter deadLetter, Source source, CompletableFuture<Void> done) {
    durably(
        source,
        done,
        () -> deadLetters.write(deadLetter),
        ok -> {
          safely(() -> listener.deadLettered(deadLetter));
          done.complete(null);
        },
        error -> {
          safely(() -> listener.deadLetterWriteFailed(deadLetter, error));
          return false;
        });
  }

  /**
   * Runs a write until the broker acknowledges it, backing off up to 30 s between tries, unless
   * {@code onFailure} answers true: it has then taken the failure over. While the write keeps
   * failing its source is told so; if its source is revoked meanwhile, the write is given up and
   * the task ends fenced (the next owner redoes it).
   */
  private <T> void durably(
      Source source,
      CompletableFuture<Void> done,
      Supplier<CompletableFuture<T>> write,
      Consumer<T> onSuccess,
      Predicate<Throwable> onFailure) {
    durably(source, done, write, onSuccess, onFailure, 0);
  }

  private <T> void durably(
      Source source,
      CompletableFuture<Void> done,
      Supplier<CompletableFuture<T>> write,
      Consumer<T> onSuccess,
      Predicate<Throwable> onFailure,
      int failures) {
    write
        .get()
        .whenComplete(
            (result, error) -> {
              boolean reportedStuck = failures >= FAILURES_BEFORE_STUCK;
              if (error == null) {
                if (reportedStuck) {
                  source.writeFailing(false);
                  log.info("a write that kept failing went through after {} tries", failures + 1);
                }
                onSuccess.accept(result);
                return;
              }
              if (onFailure.test(error)) {
                if (reportedStuck) {
                  source.writeFailing(false);
                }
                return;
              }
              if (failures + 1 == FAILURES_BEFORE_STUCK) {
                source.writeFailing(true);
                log.error(
                    "a write has failed {} times ({}); its partition stops being consumed until it"
                        + " goes through",
                    failures + 1,
                    error.toString());
              }
              if (!source.owned()) {
                if (failures + 1 >= FAILURES_BEFORE_STUCK) {
                  source.writeFailing(false);
                }
                done.complete(null);
                return;
              }
              long backoff = Math.min(MAX_WRITE_BACKOFF.toMillis(), 500L << Math.min(failures, 10));
              later(
                  () -> durably(source, done, write, onSuccess, onFailure, failures + 1),
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
        task.lastAttemptAt(),
        task.replays());
  }
}
