package dev.fanout.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/** Two slots per endpoint; the executor only collects what it is handed, the test runs it. */
class EndpointSlotsTest {
  private static final String ENDPOINT = "https://hooks.example.com:443";
  private static final String OTHER = "https://elsewhere.example.org:443";
  private static final Runnable NOTHING = () -> {};

  private final List<Runnable> handedToExecutor = new CopyOnWriteArrayList<>();
  private final EndpointSlots slots = new EndpointSlots(2, handedToExecutor::add);

  @Test
  void acquiresUpToTheLimitThenQueuesUpToTheLimitThenIsFull() {
    List<EndpointSlots.Result> results = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      results.add(slots.acquire(ENDPOINT, NOTHING));
    }

    assertThat(results)
        .containsExactly(
            EndpointSlots.Result.ACQUIRED,
            EndpointSlots.Result.ACQUIRED,
            EndpointSlots.Result.QUEUED,
            EndpointSlots.Result.QUEUED,
            EndpointSlots.Result.FULL,
            EndpointSlots.Result.FULL);
    assertThat(slots.inFlight(ENDPOINT)).isEqualTo(2);
    assertThat(handedToExecutor).isEmpty();
  }

  @Test
  void fullEndpointLeavesAnotherEndpointItsOwnSlots() {
    for (int i = 0; i < 5; i++) {
      slots.acquire(ENDPOINT, NOTHING);
    }

    assertThat(slots.acquire(OTHER, NOTHING)).isEqualTo(EndpointSlots.Result.ACQUIRED);
    assertThat(slots.inFlight(OTHER)).isEqualTo(1);
  }

  @Test
  void releaseHandsTheSlotToTheOldestQueuedTaskOnTheExecutorWithoutFreeingIt() {
    List<String> started = new ArrayList<>();
    slots.acquire(ENDPOINT, NOTHING);
    slots.acquire(ENDPOINT, NOTHING);
    slots.acquire(ENDPOINT, () -> started.add("oldest"));
    slots.acquire(ENDPOINT, () -> started.add("newest"));

    slots.release(ENDPOINT);

    assertThat(started).as("not run inside release").isEmpty();
    assertThat(handedToExecutor).hasSize(1);
    assertThat(slots.inFlight(ENDPOINT)).as("the slot passed on, not freed").isEqualTo(2);
    handedToExecutor.get(0).run();
    assertThat(started).containsExactly("oldest");
  }

  @Test
  void queuedTasksGetSlotsInTheOrderTheyQueued() {
    List<String> started = new ArrayList<>();
    slots.acquire(ENDPOINT, NOTHING);
    slots.acquire(ENDPOINT, NOTHING);
    slots.acquire(ENDPOINT, () -> started.add("first"));
    slots.acquire(ENDPOINT, () -> started.add("second"));

    slots.release(ENDPOINT);
    slots.release(ENDPOINT);
    handedToExecutor.forEach(Runnable::run);

    assertThat(started).containsExactly("first", "second");
    assertThat(slots.inFlight(ENDPOINT)).isEqualTo(2);
  }

  @Test
  void handingASlotOnMakesRoomInTheWaitQueue() {
    for (int i = 0; i < 4; i++) {
      slots.acquire(ENDPOINT, NOTHING);
    }

    slots.release(ENDPOINT);

    assertThat(slots.acquire(ENDPOINT, NOTHING)).isEqualTo(EndpointSlots.Result.QUEUED);
    assertThat(slots.acquire(ENDPOINT, NOTHING)).isEqualTo(EndpointSlots.Result.FULL);
  }

  @Test
  void releaseWithNothingQueuedFreesTheSlot() {
    slots.acquire(ENDPOINT, NOTHING);
    slots.acquire(ENDPOINT, NOTHING);

    slots.release(ENDPOINT);

    assertThat(slots.inFlight(ENDPOINT)).isEqualTo(1);
    assertThat(handedToExecutor).isEmpty();
    assertThat(slots.acquire(ENDPOINT, NOTHING)).isEqualTo(EndpointSlots.Result.ACQUIRED);
  }

  @Test
  void releasingEverySlotLeavesTheEndpointAsIfNeverUsed() {
    slots.acquire(ENDPOINT, NOTHING);
    slots.acquire(ENDPOINT, NOTHING);

    slots.release(ENDPOINT);
    slots.release(ENDPOINT);

    assertThat(slots.inFlight(ENDPOINT)).isZero();
    assertThat(slots.acquire(ENDPOINT, NOTHING)).isEqualTo(EndpointSlots.Result.ACQUIRED);
    assertThat(slots.acquire(ENDPOINT, NOTHING)).isEqualTo(EndpointSlots.Result.ACQUIRED);
    assertThat(slots.acquire(ENDPOINT, NOTHING)).isEqualTo(EndpointSlots.Result.QUEUED);
  }

  @Test
  void executorRejectingTheQueuedTaskDoesNotFailTheRelease() {
    Executor stopped =
        command -> {
          throw new RejectedExecutionException("shutting down");
        };
    EndpointSlots stopping = new EndpointSlots(1, stopped);
    stopping.acquire(ENDPOINT, NOTHING);
    stopping.acquire(ENDPOINT, NOTHING);

    assertThatCode(() -> stopping.release(ENDPOINT)).doesNotThrowAnyException();
  }
}
