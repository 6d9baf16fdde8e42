package dev.fanout.worker;

import dev.fanout.delivery.DeliveryEngine;
import dev.fanout.delivery.DeliveryTask;
import dev.fanout.delivery.RoomSignal;
import dev.fanout.offsets.OffsetLedger;
import dev.fanout.offsets.PartitionOffsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer loop: turns records into work for the {@link DeliveryEngine} and commits what is
 * finished. The worker runs two, one on the event topics and one on the retry tiers, differing only
 * in their {@link RecordRouter}. It owns its {@link Consumer}; everything here runs on its one
 * thread except completions, which only touch {@link PartitionOffsets}.
 *
 * <pre>
 *   poll ─► queue per partition ─► router ─┬─ Deliver ───► engine admits? ─ yes ─► DeliveryEngine
 *                 ▲                        │                    └ no: the head waits for room
 *                 │                        ├─ DeadLetter ► DeliveryEngine.deadLetter
 *                 │                        ├─ Skip ──────► finished
 *                 └── head waits ──────────┴─ NotBefore ─► partition waits until due
 *   every task of a record at a durable end ─► PartitionOffsets.finish ─► commit the finished prefix
 * </pre>
 *
 * <p>Bounded: a record starts only when {@link DeliveryEngine#admits} it: the engine's budget has
 * room, and no endpoint of its tasks holds more than its fair share. Otherwise the record waits at
 * the head of its partition (routed once, so it is counted once), and the loop sleeps until the
 * engine signals room. A partition with queued records is paused, so it fetches nothing more until
 * its queue is empty; polling goes on, so the group keeps this member however long deliveries take.
 * Partitions wait independently: one waiting for a due time or for room holds up no other. Commits
 * happen periodically (async), synchronously on revocation, and at shutdown; only the unbroken run
 * of finished offsets of a partition is ever committed.
 */
public final class Dispatcher implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(50);

  private final String name;
  private final Consumer<byte[], byte[]> consumer;
  private final Topics topics;
  private final RecordRouter router;
  private final DeliveryEngine engine;
  private final DispatchListener listener;
  private final Duration commitInterval;
  private final Duration shutdownTimeout;
  private final Duration drainTimeout;
  private final Clock clock;

  private final OffsetLedger ledger = new OffsetLedger();
  private final Map<TopicPartition, ArrayDeque<ConsumerRecord<byte[], byte[]>>> queues =
      new HashMap<>();
  private final Map<TopicPartition, ConsumedPartition> owned = new ConcurrentHashMap<>();
  private final Map<TopicPartition, Instant> notBefore = new HashMap<>();

  /** Routed head records waiting for room in the engine. */
  private final Map<TopicPartition, Route> heads = new HashMap<>();

  private final Set<TopicPartition> paused = new HashSet<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean claimed = new AtomicBoolean();
  private volatile boolean running = true;
  private volatile int assignedCount;
  private int rotation;
  private Instant lastCommit;

  public Dispatcher(
      String name,
      Consumer<byte[], byte[]> consumer,
      Topics topics,
      RecordRouter router,
      DeliveryEngine engine,
      DispatchListener listener,
      Duration commitInterval,
      Duration shutdownTimeout,
      Duration drainTimeout,
      Clock clock) {
    this.name = name;
    this.consumer = consumer;
    this.topics = topics;
    this.router = router;
    this.engine = engine;
    this.listener = listener;
    this.commitInterval = commitInterval;
    this.shutdownTimeout = shutdownTimeout;
    this.drainTimeout = drainTimeout;
    this.clock = clock;
  }

  /** False once the loop has ended, by request or by an unexpected error. */
  public boolean isRunning() {
    return stopped.getCount() > 0;
  }

  /** Whether this member currently owns at least one partition. */
  public boolean hasAssignment() {
    return assignedCount > 0;
  }

  /** Records consumed and not yet committed: what a crash now would have consumed again. */
  public long uncommittedRecords() {
    return ledger.uncommitted();
  }

  /**
   * Owned partitions whose consumption is stopped because a write for their tasks keeps failing.
   */
  public int stuckPartitions() {
    int stuck = 0;
    for (ConsumedPartition partition : owned.values()) {
      if (partition.stuck()) {
        stuck++;
      }
    }
    return stuck;
  }

  @Override
  public void run() {
    if (!claimed.compareAndSet(false, true)) {
      return; // stopped before it started
    }
    lastCommit = clock.instant();
    try {
      topics.subscribe(consumer, new Rebalance());
      RoomSignal room = engine.room();
      boolean waitingForRoom = false;
      while (running) {
        long seen = room.version();
        enqueue(poll(waitingForRoom ? Duration.ZERO : POLL_TIMEOUT));
        waitingForRoom = dispatchQueued();
        pauseQueuedPartitions();
        commitIfDue();
        if (waitingForRoom) {
          room.await(seen, POLL_TIMEOUT);
        }
      }
      drain();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("{} dispatcher interrupted", name);
    } catch (RuntimeException e) {
      log.error("{} dispatcher stopped by an unexpected error", name, e);
    } finally {
      closeConsumer();
      stopped.countDown();
    }
  }

  private void closeConsumer() {
    try {
      consumer.close(Duration.ofSeconds(5));
    } catch (RuntimeException e) {
      log.warn("closing the {} consumer failed: {}", name, e.toString());
    }
    owned.values().forEach(ConsumedPartition::giveUp);
    owned.clear();
    assignedCount = 0;
  }

  /**
   * Asks the loop to stop; it then drains in-flight work for up to the shutdown timeout. The loop
   * notices within one poll (no wakeup: a wakeup still pending would fail the final commit). A loop
   * that never started closes its consumer here.
   */
  public void stop() {
    running = false;
    if (claimed.compareAndSet(false, true)) {
      closeConsumer();
      stopped.countDown();
    }
  }

  public boolean awaitStopped(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
    try {
      return consumer.poll(timeout);
    } catch (WakeupException e) {
      return ConsumerRecords.empty();
    }
  }

  private void enqueue(ConsumerRecords<byte[], byte[]> records) {
    for (TopicPartition tp : records.partitions()) {
      ArrayDeque<ConsumerRecord<byte[], byte[]>> queue = queues.get(tp);
      if (queue != null) {
        queue.addAll(records.records(tp));
      }
    }
  }

  /**
   * Starts work from the queues, a different partition first each time, while the engine admits it.
   *
   * @return whether a partition's head is waiting for room in the engine
   */
  private boolean dispatchQueued() {
    List<TopicPartition> partitions = new ArrayList<>(queues.keySet());
    if (partitions.isEmpty()) {
      return false;
    }
    boolean waitingForRoom = false;
    Instant now = clock.instant();
    rotation = (rotation + 1) % partitions.size();
    for (int i = 0; i < partitions.size(); i++) {
      TopicPartition tp = partitions.get((rotation + i) % partitions.size());
      Instant due = notBefore.get(tp);
      if (due != null && now.isBefore(due)) {
        continue;
      }
      notBefore.remove(tp);
      ArrayDeque<ConsumerRecord<byte[], byte[]>> queue = queues.get(tp);
      while (!queue.isEmpty()) {
        ConsumerRecord<byte[], byte[]> record = queue.peekFirst();
        Route route = heads.remove(tp);
        if (route == null) {
          route = router.route(record);
        }
        if (route instanceof Route.NotBefore wait) {
          notBefore.put(tp, wait.dueAt());
          break;
        }
        if (!admitted(route)) {
          heads.put(tp, route);
          waitingForRoom = true;
          break;
        }
        queue.pollFirst();
        start(tp, record.offset(), route);
      }
    }
    return waitingForRoom;
  }

  private boolean admitted(Route route) {
    if (route instanceof Route.Skip) {
      return true;
    }
    return engine.admits(route instanceof Route.Deliver deliver ? deliver.tasks() : List.of());
  }

  private void start(TopicPartition tp, long offset, Route route) {
    ConsumedPartition source = owned.get(tp);
    PartitionOffsets offsets = source.offsets;
    offsets.register(offset);
    if (route instanceof Route.Deliver deliver) {
      AtomicInteger remaining = new AtomicInteger(deliver.tasks().size());
      for (DeliveryTask task : deliver.tasks()) {
        engine
            .deliver(task, source)
            .thenRun(
                () -> {
                  if (remaining.decrementAndGet() == 0) {
                    offsets.finish(offset);
                  }
                });
      }
    } else if (route instanceof Route.Park park) {
      engine.park(park.task(), park.dueAt(), source).thenRun(() -> offsets.finish(offset));
    } else if (route instanceof Route.DeadLetter deadLetter) {
      engine.deadLetter(deadLetter.deadLetter(), source).thenRun(() -> offsets.finish(offset));
    } else {
      offsets.finish(offset);
    }
  }

  /**
   * A partition with queued records fetches nothing more until they are started; nor does one whose
   * tasks' writes keep failing, so what waits for the broker stays bounded.
   */
  private void pauseQueuedPartitions() {
    List<TopicPartition> pause = new ArrayList<>();
    List<TopicPartition> resume = new ArrayList<>();
    queues.forEach(
        (tp, queue) -> {
          ConsumedPartition partition = owned.get(tp);
          boolean hold = !queue.isEmpty() || (partition != null && partition.stuck());
          if (hold && paused.add(tp)) {
            pause.add(tp);
          } else if (!hold && paused.remove(tp)) {
            resume.add(tp);
          }
        });
    if (!pause.isEmpty()) {
      consumer.pause(pause);
    }
    if (!resume.isEmpty()) {
      consumer.resume(resume);
    }
  }

  private void commitIfDue() {
    Instant now = clock.instant();
    if (Duration.between(lastCommit, now).compareTo(commitInterval) < 0) {
      return;
    }
    lastCommit = now;
    Map<TopicPartition, OffsetAndMetadata> offsets = ledger.toCommit(null);
    if (offsets.isEmpty()) {
      return;
    }
    consumer.commitAsync(
        offsets,
        (committed, error) -> {
          if (error == null) {
            ledger.committed(committed);
          } else {
            log.warn(
                "{} offset commit failed, retried at the next interval: {}",
                name,
                error.toString());
          }
        });
  }

  private void commitSync(Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> offsets = ledger.toCommit(partitions);
    if (offsets.isEmpty()) {
      return;
    }
    try {
      consumer.commitSync(offsets);
      ledger.committed(offsets);
    } catch (RuntimeException e) {
      log.warn("{} synchronous offset commit failed: {}", name, e.toString());
    }
  }

  /**
   * Stops taking new work, lets in-flight deliveries finish for up to the shutdown timeout while
   * polling (paused) to stay in the group, then commits what finished. Unfinished records are not
   * committed: the next owner of the partition delivers them again.
   */
  private void drain() {
    queues.values().forEach(ArrayDeque::clear);
    heads.clear();
    consumer.pause(consumer.assignment());
    Instant deadline = clock.instant().plus(shutdownTimeout);
    while (ledger.unfinished() > 0 && clock.instant().isBefore(deadline)) {
      poll(POLL_TIMEOUT);
    }
    if (ledger.unfinished() > 0) {
      log.warn(
          "{}: shutdown timeout reached with {} records unfinished; they will be delivered again",
          name,
          ledger.unfinished());
    }
    commitSync(null);
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    /**
     * Gives partitions back in good order: nothing new of them starts, what is in flight gets up to
     * {@code rebalance.drain-timeout} to end, and everything that ended is committed. The next
     * owner then redoes only what did not end in time: no delivery is sent twice and no task ends
     * up in two retry chains for the sake of a rebalance. (A cooperative rebalance revokes only the
     * partitions that move, and the group waits for this.)
     */
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      for (TopicPartition tp : partitions) {
        ArrayDeque<ConsumerRecord<byte[], byte[]>> queue = queues.get(tp);
        if (queue != null) {
          queue.clear();
        }
        heads.remove(tp);
      }
      awaitFinished(partitions, clock.instant().plus(drainTimeout));
      commitSync(partitions);
      forget(partitions);
      listener.partitionsRevoked(partitions.size());
    }

    private void awaitFinished(Collection<TopicPartition> partitions, Instant deadline) {
      while (unfinished(partitions) > 0 && clock.instant().isBefore(deadline)) {
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      int left = unfinished(partitions);
      if (left > 0) {
        log.warn(
            "{}: {} records of revoked partitions did not finish within {}; their next owner"
                + " does them again",
            name,
            left,
            drainTimeout);
      }
    }

    private int unfinished(Collection<TopicPartition> partitions) {
      int unfinished = 0;
      for (TopicPartition tp : partitions) {
        PartitionOffsets offsets = ledger.of(tp);
        if (offsets != null) {
          unfinished += offsets.unfinished();
        }
      }
      return unfinished;
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      forget(partitions);
      listener.partitionsRevoked(partitions.size());
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      ledger.assigned(partitions);
      for (TopicPartition tp : partitions) {
        // Incremental (cooperative) assignment lists only new partitions; never reset one we own.
        queues.putIfAbsent(tp, new ArrayDeque<>());
        owned.computeIfAbsent(tp, p -> new ConsumedPartition(ledger.of(p)));
      }
      assignedCount = queues.size();
      if (!partitions.isEmpty()) {
        log.info("{} assigned {}", name, partitions);
      }
    }

    private void forget(Collection<TopicPartition> partitions) {
      ledger.revoked(partitions);
      for (TopicPartition tp : partitions) {
        ConsumedPartition partition = owned.remove(tp);
        if (partition != null) {
          partition.giveUp();
        }
        queues.remove(tp);
        heads.remove(tp);
        notBefore.remove(tp);
        paused.remove(tp);
      }
      assignedCount = queues.size();
      if (!partitions.isEmpty()) {
        log.info("{} revoked {}", name, partitions);
      }
    }
  }
}
