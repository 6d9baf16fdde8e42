package dev.fanout.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.netflix.concurrency.limits.limit.FixedLimit;
import dev.fanout.deadletter.DeadLetter;
import dev.fanout.deadletter.DeadLetterWriter;
import dev.fanout.delivery.Budget;
import dev.fanout.delivery.DeliveryEngine;
import dev.fanout.delivery.DeliveryTask;
import dev.fanout.delivery.EndpointScheduler;
import dev.fanout.delivery.HttpResult;
import dev.fanout.delivery.RoomSignal;
import dev.fanout.delivery.WebhookRequest;
import dev.fanout.delivery.WebhookSender;
import dev.fanout.event.Event;
import dev.fanout.retry.RetryPolicy;
import dev.fanout.retry.RetryScheduler;
import dev.fanout.retry.TierRetries;
import dev.fanout.testing.TestSubscriptions;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The consumer loop on Kafka's {@link MockConsumer}, with the real engine and scheduler and a
 * sender whose answers the test gives by hand. The engine's budget is 10 tasks and the host takes 2
 * requests at a time, so 8 tasks wait in memory while the budget is full.
 */
class DispatcherTest {
  private static final String TOPIC = "y42.events.jobs";
  private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
  private static final URI URL = URI.create("https://hooks.example.com/y42");

  /** What the loop committed, as it asked; MockConsumer's own view resets on a rebalance. */
  private final Map<TopicPartition, Long> commits = new java.util.concurrent.ConcurrentHashMap<>();

  private final MockConsumer<byte[], byte[]> consumer =
      new MockConsumer<>("earliest") {
        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
          offsets.forEach((tp, o) -> commits.put(tp, o.offset()));
          super.commitSync(offsets);
        }

        @Override
        public synchronized void commitAsync(
            Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
          offsets.forEach((tp, o) -> commits.put(tp, o.offset()));
          super.commitAsync(offsets, callback);
        }
      };
  private final HeldSender sender = new HeldSender();
  private final AtomicInteger tierWrites = new AtomicInteger();
  private final AtomicInteger tierFailuresLeft = new AtomicInteger();
  private final AtomicInteger routed = new AtomicInteger();
  private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
  // 10 tasks until a test adapts it; the cores have room to grow it to 20.
  private final Budget budget = Budget.adaptive(10, 20, () -> 0.5);
  private final DeliveryEngine engine = engine();
  private final Dispatcher dispatcher =
      new Dispatcher(
          "events",
          consumer,
          new Topics.Named(List.of(TOPIC)),
          this::route,
          engine,
          new DispatchListener() {},
          Duration.ZERO,
          Duration.ofSeconds(5),
          Duration.ofSeconds(2),
          Clock.systemUTC());
  private final Thread loop = new Thread(dispatcher, "dispatcher-test");

  @AfterEach
  void stop() throws InterruptedException {
    dispatcher.stop();
    loop.join(10_000);
    executor.shutdownNow();
  }

  @Test
  void busyHealthyEndpointPausesThePartitionAndResumesItWithoutWritingARetry() throws Exception {
    start(30);

    await().atMost(Duration.ofSeconds(5)).until(() -> sender.pending.size() == 2);
    await().atMost(Duration.ofSeconds(5)).until(() -> paused().contains(P0));
    assertThat(engine.inFlight()).as("the budget").isEqualTo(10);
    assertThat(engine.waiting()).as("eight wait in memory for the host").isEqualTo(8);

    for (int answered = 0; answered < 30; answered++) {
      sender.next().complete(new HttpResult.Response(200, null));
    }

    await().atMost(Duration.ofSeconds(5)).until(() -> committed() == 30);
    await().atMost(Duration.ofSeconds(5)).until(() -> paused().isEmpty());
    assertThat(tierWrites).as("busy is not broken: nothing went to a retry tier").hasValue(0);
    assertThat(sender.sent).hasValue(30);
  }

  @Test
  void aBudgetThatGrowsWhileRecordsWaitForItLetsThePausedLoopTakeMore() throws Exception {
    start(30);
    await().atMost(Duration.ofSeconds(5)).until(() -> paused().contains(P0));
    assertThat(engine.inFlight()).isEqualTo(10);

    assertThat(budget.adapt()).as("records waited for room, and the cores have some").isTrue();
    engine.room().signal(); // as the worker does when its budget grows

    await().atMost(Duration.ofSeconds(5)).until(() -> engine.inFlight() == 12);
    for (int answered = 0; answered < 30; answered++) {
      sender.next().complete(new HttpResult.Response(200, null));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> committed() == 30);
    assertThat(tierWrites).hasValue(0);
  }

  @Test
  void aRecordThatWaitsForRoomIsRoutedOnce() throws Exception {
    start(30);
    await().atMost(Duration.ofSeconds(5)).until(() -> paused().contains(P0));
    Thread.sleep(200); // many loop turns while the head record waits for room

    for (int answered = 0; answered < 30; answered++) {
      sender.next().complete(new HttpResult.Response(200, null));
    }

    await().atMost(Duration.ofSeconds(5)).until(() -> committed() == 30);
    assertThat(routed).hasValue(30);
  }

  @Test
  void commitsOnlyThePrefixOfFinishedRecords() throws Exception {
    start(3);
    await().atMost(Duration.ofSeconds(5)).until(() -> sender.pending.size() == 2);
    CompletableFuture<HttpResult> first = sender.next();
    CompletableFuture<HttpResult> second = sender.next();

    second.complete(new HttpResult.Response(200, null));
    sender.next().complete(new HttpResult.Response(200, null));
    Thread.sleep(200);
    assertThat(committed()).as("offset 0 is still in flight").isZero();

    first.complete(new HttpResult.Response(200, null));
    await().atMost(Duration.ofSeconds(5)).until(() -> committed() == 3);
  }

  @Test
  void tasksOfARevokedPartitionHandNothingOverAndItsNextOwnerRedoesThem() throws Exception {
    start(2);
    await().atMost(Duration.ofSeconds(5)).until(() -> sender.pending.size() == 2);

    consumer.schedulePollTask(() -> consumer.rebalance(List.of()));
    await().atMost(Duration.ofSeconds(5)).until(() -> !dispatcher.hasAssignment());
    sender.next().complete(new HttpResult.Response(500, null));
    sender.next().complete(new HttpResult.Response(500, null));

    await().atMost(Duration.ofSeconds(5)).until(() -> engine.inFlight() == 0);
    assertThat(tierWrites).as("no retry chain of its own").hasValue(0);
    assertThat(committed()).as("nothing committed: the next owner starts at 0").isZero();
  }

  @Test
  void aRevokedPartitionsTasksThatEndInTimeAreCommittedBeforeItIsGivenUp() throws Exception {
    start(2);
    await().atMost(Duration.ofSeconds(5)).until(() -> sender.pending.size() == 2);

    java.util.concurrent.atomic.AtomicBoolean revoking =
        new java.util.concurrent.atomic.AtomicBoolean();
    consumer.schedulePollTask(
        () -> {
          revoking.set(true);
          consumer.rebalance(List.of());
        });
    await().atMost(Duration.ofSeconds(5)).untilTrue(revoking);
    // The loop is now giving the partition back, its two requests still out: they answer.
    sender.next().complete(new HttpResult.Response(200, null));
    sender.next().complete(new HttpResult.Response(200, null));

    await().atMost(Duration.ofSeconds(5)).until(() -> !dispatcher.hasAssignment());
    assertThat(committed()).as("the next owner starts after both").isEqualTo(2);
  }

  @Test
  void aPartitionWhoseWritesKeepFailingIsNotConsumedUntilTheyGoThrough() throws Exception {
    tierFailuresLeft.set(4);
    start(1);
    sender.next().complete(new HttpResult.Response(500, null));

    await().atMost(Duration.ofSeconds(10)).until(() -> dispatcher.stuckPartitions() == 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> paused().contains(P0));

    await().atMost(Duration.ofSeconds(20)).until(() -> dispatcher.stuckPartitions() == 0);
    await().atMost(Duration.ofSeconds(5)).until(() -> committed() == 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> paused().isEmpty());
    assertThat(tierWrites).hasValue(5);
  }

  @Test
  void aLoopStoppedBeforeItStartedClosesItsConsumerAtOnce() throws Exception {
    dispatcher.stop();

    assertThat(dispatcher.awaitStopped(Duration.ofSeconds(1))).isTrue();
    assertThat(consumer.closed()).isTrue();
    loop.start(); // a late start does nothing
    loop.join(1_000);
    assertThat(loop.isAlive()).isFalse();
  }

  private void start(int records) {
    consumer.schedulePollTask(
        () -> {
          consumer.rebalance(List.of(P0));
          consumer.updateBeginningOffsets(Map.of(P0, 0L));
          for (int i = 0; i < records; i++) {
            consumer.addRecord(
                new ConsumerRecord<>(
                    TOPIC, 0, i, null, ("e" + i).getBytes(StandardCharsets.UTF_8)));
          }
        });
    loop.start();
  }

  private Route route(ConsumerRecord<byte[], byte[]> record) {
    routed.incrementAndGet();
    String id = "evt_" + record.offset();
    Event event = new Event(id, "job.failed", TestSubscriptions.SPACE, null, record.value());
    return new Route.Deliver(
        List.of(
            DeliveryTask.first(
                event, TestSubscriptions.subscription("wh_1", URL), EventRouter.origin(record))));
  }

  private Set<TopicPartition> paused() {
    synchronized (consumer) {
      return Set.copyOf(consumer.paused());
    }
  }

  private long committed() {
    return commits.getOrDefault(P0, 0L);
  }

  private DeliveryEngine engine() {
    RoomSignal room = new RoomSignal();
    EndpointScheduler scheduler =
        new EndpointScheduler(
            new EndpointScheduler.Settings(
                Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(10)),
            CircuitBreakerRegistry.ofDefaults(),
            () -> FixedLimit.of(2),
            1,
            start -> FixedLimit.of(2),
            budget,
            executor,
            System::nanoTime,
            room::signal);
    RetryScheduler tiers =
        (task, dueAt) -> {
          tierWrites.incrementAndGet();
          if (tierFailuresLeft.getAndDecrement() > 0) {
            return CompletableFuture.failedFuture(new IllegalStateException("topic missing"));
          }
          return CompletableFuture.completedFuture("5s");
        };
    DeadLetterWriter deadLetters = (DeadLetter letter) -> CompletableFuture.completedFuture(null);
    return new DeliveryEngine(
        sender,
        deadLetters,
        new TierRetries(
            new RetryPolicy(
                List.of(Duration.ofSeconds(5)),
                0.0,
                Duration.ofMinutes(1),
                Duration.ofHours(1),
                Duration.ofHours(1),
                () -> 0.5),
            tiers,
            Clock.systemUTC()),
        subscription -> {},
        scheduler,
        room,
        new dev.fanout.delivery.DeliveryListener() {},
        Clock.systemUTC(),
        executor);
  }

  /** Every request waits for the test to answer it. */
  private static final class HeldSender implements WebhookSender {
    final BlockingQueue<CompletableFuture<HttpResult>> pending = new LinkedBlockingQueue<>();
    final AtomicInteger sent = new AtomicInteger();

    @Override
    public CompletableFuture<HttpResult> send(WebhookRequest request) {
      sent.incrementAndGet();
      CompletableFuture<HttpResult> answer = new CompletableFuture<>();
      pending.add(answer);
      return answer;
    }

    CompletableFuture<HttpResult> next() throws InterruptedException {
      CompletableFuture<HttpResult> next = pending.poll(5, TimeUnit.SECONDS);
      assertThat(next).as("no request within 5 s").isNotNull();
      return next;
    }

    @Override
    public void close() {}
  }
}
