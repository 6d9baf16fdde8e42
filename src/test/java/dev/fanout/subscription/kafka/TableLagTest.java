package dev.fanout.subscription.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.signing.SecretCipher;
import dev.fanout.subscription.SubscriptionCodec;
import dev.fanout.subscription.SubscriptionIndex;
import java.time.Duration;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.junit.jupiter.api.Test;

/** The table is behind only while records wait unread, and says so once that lasts. */
class TableLagTest {
  private static final long SECOND = Duration.ofSeconds(1).toNanos();

  private final CompactedTopicSubscriptionStore store =
      new CompactedTopicSubscriptionStore(
          new MockConsumer<>("earliest"),
          "fanout.webhooks",
          new SubscriptionCodec(SecretCipher.none()),
          new SubscriptionIndex(),
          (key, reason) -> {});

  @Test
  void behindForLongerThanTheToleranceOnlyWhileRecordsWaitUnread() {
    long now = System.nanoTime();
    assertThat(store.behindLongerThan(Duration.ofSeconds(30))).isFalse();

    store.observeLag(5, now - 60 * SECOND);
    store.observeLag(3, now - 10 * SECOND); // still behind: the first moment counts
    assertThat(store.behindLongerThan(Duration.ofSeconds(30))).isTrue();
    assertThat(store.behindLongerThan(Duration.ofSeconds(120))).isFalse();

    store.observeLag(-1, now); // unknown (no fetch answered): no change
    assertThat(store.behindLongerThan(Duration.ofSeconds(30))).isTrue();

    store.observeLag(0, now);
    assertThat(store.behindLongerThan(Duration.ofSeconds(30))).isFalse();

    store.observeLag(2, now);
    assertThat(store.behindLongerThan(Duration.ofSeconds(30))).isFalse();
  }
}
