package dev.fanout.it;

import static dev.fanout.testing.FanoutHarness.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.app.FanoutWorker;
import dev.fanout.testing.FanoutHarness;
import dev.fanout.testing.TestReceiver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Workers as a consumer group: rebalances lose nothing, and slow work keeps membership. */
class GroupIT {
  private static final Duration WAIT = Duration.ofSeconds(120);

  private TestReceiver receiver;
  private FanoutHarness fanout;

  @BeforeEach
  void start() throws Exception {
    receiver = new TestReceiver();
  }

  @AfterEach
  void stop() throws Exception {
    if (fanout != null) {
      fanout.close();
    }
    receiver.close();
  }

  @Test
  void twoWorkersWithARebalanceInTheMiddleDeliverEveryTask() throws Exception {
    fanout = new FanoutHarness(Map.of("delivery.max-in-flight", "8"));
    receiver.answer("/a", TestReceiver.slow(5, 200));
    receiver.answer("/b", TestReceiver.slow(5, 200));
    fanout.addWebhook(receiver.url("/a"), "*", "test-secret-0123456789");
    fanout.addWebhook(receiver.url("/b"), "job.*", "test-secret-0123456789");
    for (int i = 0; i < 150; i++) {
      String topic = i % 3 == 0 ? fanout.orchestrationsTopic() : fanout.jobsTopic();
      fanout.produceEvent(topic, "key_" + i, event("evt_" + i, "job.failed"));
    }
    FanoutWorker first = fanout.startWorker();
    await().atMost(WAIT).until(() -> receiver.requests("/a").size() >= 20);
    FanoutWorker second = fanout.startWorker(); // joins the group: partitions move
    for (int i = 150; i < 300; i++) {
      fanout.produceEvent(fanout.jobsTopic(), "key_" + i, event("evt_" + i, "job.failed"));
    }

    Set<String> expected =
        IntStream.range(0, 300)
            .mapToObj(i -> "evt_" + i)
            .collect(Collectors.toCollection(TreeSet::new));
    await().atMost(WAIT).until(() -> new TreeSet<>(receiver.eventIds("/a")).containsAll(expected));
    await().atMost(WAIT).until(() -> new TreeSet<>(receiver.eventIds("/b")).containsAll(expected));

    double revoked = revoked(first) + revoked(second);
    int duplicates = duplicates(receiver.eventIds("/a")) + duplicates(receiver.eventIds("/b"));
    assertThat(revoked).as("a rebalance took partitions from the first worker").isPositive();
    // A partition is revoked only after its finished records are committed, and the tasks still
    // in flight then write nothing: the new owner sends again at most what was in flight, at most
    // delivery.max-in-flight (8) tasks per revocation; the cooperative rebalance revokes in at most
    // two rounds.
    assertThat(duplicates).as("duplicates of 600 tasks").isLessThanOrEqualTo(16);
    assertThat(second.registry().get("fanout.deliveries").counter().count()).isPositive();
  }

  @Test
  void slowDeliveriesPauseConsumptionWithoutLeavingTheGroup() throws Exception {
    // Deliveries take far longer in all than max.poll.interval.ms: a loop that stopped polling
    // while busy would be thrown out of the group and its partitions revoked.
    fanout =
        new FanoutHarness(
            Map.of(
                "delivery.max-in-flight", "2",
                "kafka.consumer.max.poll.interval.ms", "2000"));
    receiver.answer("/slow", TestReceiver.slow(250, 200));
    fanout.addWebhook(receiver.url("/slow"), "*", "test-secret-0123456789");
    for (int i = 0; i < 30; i++) {
      fanout.produceEvent(fanout.jobsTopic(), event("evt_" + i, "job.failed"));
    }
    FanoutWorker worker = fanout.startWorker();

    await().atMost(WAIT).until(() -> receiver.requests("/slow").size() >= 30);
    assertThat(revoked(worker)).isZero();
    assertThat(new TreeSet<>(receiver.eventIds("/slow"))).hasSize(30);
  }

  private static double revoked(FanoutWorker worker) {
    return worker.registry().get("fanout.partitions.revoked").counter().count();
  }

  private static int duplicates(List<String> ids) {
    return ids.size() - new TreeSet<>(ids).size();
  }
}
