package dev.fanout.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fanout.admin.kafka.KafkaConfigTopic;
import dev.fanout.signing.SecretCipher;
import dev.fanout.subscription.Subscription;
import dev.fanout.subscription.SubscriptionCodec;
import dev.fanout.testing.FanoutHarness;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two writers change the same webhook from the same read, on a real broker: the second to write is
 * told it lost, and the table holds the first one's change. The race is made to happen by a hook
 * that writes the competing change between the loser's read and its write.
 */
class WebhooksCompareAndSetIT {
  private final SubscriptionCodec codec = new SubscriptionCodec(SecretCipher.none());
  private FanoutHarness fanout;

  @BeforeEach
  void start() {
    fanout = new FanoutHarness();
  }

  @AfterEach
  void stop() throws Exception {
    fanout.close();
  }

  @Test
  void theSecondOfTwoChangesFromTheSameReadFailsAndChangesNothing() {
    try (Webhooks winner = webhooks(id -> {});
        Webhooks loser =
            webhooks(id -> winner.update(id, s -> WebhooksTest.renamed(s, "winner")))) {
      winner.add(WebhooksTest.webhook("wh_race", null));

      assertThatThrownBy(() -> loser.setEnabled("wh_race", false))
          .isInstanceOf(AdminFailure.class)
          .hasMessage("webhook wh_race changed meanwhile (version 2); re-read and retry");

      Subscription now = winner.get("wh_race");
      assertThat(now.description()).isEqualTo("winner");
      assertThat(now.enabled()).as("the losing change is not in force").isTrue();
      // The winner was written again after the losing record, so compaction keeps it.
      assertThat(SubscriptionCodec.version(now.source())).isEqualTo(3);
    }
  }

  private Webhooks webhooks(Webhooks.WriteHook hook) {
    return new Webhooks(
        new KafkaConfigTopic(fanout.config(), codec), codec, Clock.systemUTC(), hook);
  }
}
