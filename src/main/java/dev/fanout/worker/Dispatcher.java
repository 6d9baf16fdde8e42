package dev.fanout.worker;

import dev.fanout.deadletter.DeadLetter;
import dev.fanout.delivery.DeliveryEngine;
import dev.fanout.delivery.DeliveryTask;
import dev.fanout.event.Event;
import dev.fanout.event.EventParser;
import dev.fanout.event.Origin;
import dev.fanout.offsets.OffsetLedger;
import dev.fanout.offsets.PartitionOffsets;
import dev.fanout.subscription.Subscription;
import dev.fanout.subscription.SubscriptionTable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer loop of the worker group: turns event records into delivery tasks and commits what
 * is finished. It owns the {@link KafkaConsumer}; everything here runs on its one thread except
 * completions, which only touch {@link PartitionOffsets}.
 *
 * <pre>
 *   poll ─► pending (at most one poll's worth) ─► parse ─┬─ invalid / too large ─► dead-letter
 *                                                        ├─ no webhook matches ──► finished
 *                                                        └─ a task per webhook ──► DeliveryEngine
 *   every task of a record finished ─► PartitionOffsets.finish(offset) ─► commit the finished prefix
 * </pre>
 *
 * <p>Bounded: tasks are started only while the engine has fewer than {@code maxInFlight}; beyond
 * that the records wait in {@code pending} and every partition is paused, while polling goes on so
 * the group keeps this member. Commits: periodically (async), synchronously on revocation, and at
 * shutdown; only the unbroken run of finished offsets of each partition is ever committed.
 */
public final class Dispatcher implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final List<String> topics;
  private final EventParser parser;
  private final SubscriptionTable subscriptions;
  private final DeliveryEngine engine;
  private final DispatchListener listener;
  private final int maxInFlight;
  private final Duration commitInterval;
  private final Duration shutdownTimeout;
  private final Clock clock;

  private final OffsetLedger ledger = new OffsetLedger();
  private final ArrayDeque<ConsumerRecord<byte[], byte[]>> pending = new ArrayDeque<>();
  private final Set<TopicPartition> assigned = new HashSet<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile boolean hasAssignment;
  private boolean paused;
  private Instant lastCommit;

  public Dispatcher(
      KafkaConsumer<byte[], byte[]> consumer,
      List<String> topics,
      EventParser parser,
      SubscriptionTable subscriptions,
      DeliveryEngine engine,
      DispatchListener listener,
      int maxInFlight,
      Duration commitInterval,
      Duration shutdownTimeout,
      Clock clock) {
    this.consumer = consumer;
    this.topics = topics;
    this.parser = parser;
    this.subscriptions = subscriptions;
    this.engine = engine;
    this.listener = listener;
    this.maxInFlight = maxInFlight;
    this.commitInterval = commitInterval;
    this.shutdownTimeout = shutdownTimeout;
    this.clock = clock;
  }

  /** Whether this member currently owns at least one partition. */
  public boolean hasAssignment() {
    return hasAssignment;
  }

  @Override
  public void run() {
    lastCommit = clock.instant();
    try {
      consumer.subscribe(topics, new Rebalance());
      while (running) {
        ConsumerRecords<byte[], byte[]> records = poll();
        records.forEach(pending::addLast);
        dispatchPending();
        pauseWhileFull();
        commitIfDue();
      }
      drain();
    } catch (RuntimeException e) {
      log.error("dispatcher stopped by an unexpected error", e);
    } finally {
      try {
        consumer.close(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        log.warn("closing the consumer failed: {}", e.toString());
      }
      stopped.countDown();
    }
  }

  /** Asks the loop to stop; it then drains in-flight work for up to the shutdown timeout. */
  public void stop() {
    running = false;
    consumer.wakeup();
  }

  public boolean awaitStopped(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private ConsumerRecords<byte[], byte[]> poll() {
    try {
      return consumer.poll(POLL_TIMEOUT);
    } catch (WakeupException e) {
      return ConsumerRecords.empty();
    }
  }

  private void dispatchPending() {
    while (!pending.isEmpty() && engine.inFlight() < maxInFlight) {
      dispatch(pending.pollFirst());
    }
  }

  private void dispatch(ConsumerRecord<byte[], byte[]> record) {
    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
    PartitionOffsets offsets = ledger.of(tp);
    if (offsets == null) {
      return; // revoked since it was polled: the new owner consumes it
    }
    long offset = record.offset();
    offsets.register(offset);
    Origin origin =
        new Origin(
            record.topic(),
            record.partition(),
            offset,
            record.key(),
            Instant.ofEpochMilli(record.timestamp()));
    EventParser.Result result = parser.parse(record.value());
    if (result instanceof EventParser.Rejected rejected) {
      listener.rejected(rejected.reason());
      engine
          .deadLetter(
              DeadLetter.unusableEvent(
                  origin, record.value(), rejected.reason(), rejected.message()))
          .thenRun(() -> offsets.finish(offset));
      return;
    }
    Event event = ((EventParser.Parsed) result).event();
    List<Subscription> matched = subscriptions.matching(event.spaceId(), event.type());
    listener.matched(event.type(), matched.size());
    if (matched.isEmpty()) {
      offsets.finish(offset);
      return;
    }
    AtomicInteger remaining = new AtomicInteger(matched.size());
    for (Subscription subscription : matched) {
      engine
          .deliver(DeliveryTask.first(event, subscription, origin))
          .thenRun(
              () -> {
                if (remaining.decrementAndGet() == 0) {
                  offsets.finish(offset);
                }
              });
    }
  }

  /** Pauses every owned partition while records wait for room, resumes when they are gone. */
  private void pauseWhileFull() {
    boolean full = !pending.isEmpty();
    if (full && !paused) {
      consumer.pause(assigned);
      paused = true;
    } else if (!full && paused) {
      consumer.resume(assigned);
      paused = false;
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
            log.warn("offset commit failed, retried at the next interval: {}", error.toString());
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
      log.warn("synchronous offset commit failed: {}", e.toString());
    }
  }

  /**
   * Stops taking new work, lets in-flight deliveries finish for up to the shutdown timeout while
   * polling (paused) to stay in the group, then commits what finished. Unfinished records are not
   * committed: the next owner delivers them again.
   */
  private void drain() {
    pending.clear();
    consumer.pause(assigned);
    Instant deadline = clock.instant().plus(shutdownTimeout);
    while (engine.inFlight() > 0 && clock.instant().isBefore(deadline)) {
      poll();
    }
    if (engine.inFlight() > 0) {
      log.warn(
          "shutdown timeout reached with {} deliveries in flight; they will be delivered again",
          engine.inFlight());
    }
    commitSync(null);
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      commitSync(partitions);
      forget(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      forget(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      ledger.assigned(partitions);
      assigned.addAll(partitions);
      hasAssignment = !assigned.isEmpty();
      if (paused) {
        consumer.pause(partitions);
      }
      log.info("assigned {}", partitions);
    }

    private void forget(Collection<TopicPartition> partitions) {
      ledger.revoked(partitions);
      assigned.removeAll(partitions);
      hasAssignment = !assigned.isEmpty();
      pending.removeIf(r -> partitions.contains(new TopicPartition(r.topic(), r.partition())));
      log.info("revoked {}", partitions);
    }
  }
}
