package dev.fanout.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubscriptionIndexTest {
  private final SubscriptionIndex index = new SubscriptionIndex();

  @Test
  void matchesBySpaceTypeAndEnabled() {
    index.apply("wh_1", subscription("wh_1", "space_a", true, "job.failed"));
    index.apply("wh_2", subscription("wh_2", "space_a", true, "job.*"));
    index.apply("wh_3", subscription("wh_3", "space_a", false, "job.failed"));
    index.apply("wh_4", subscription("wh_4", "space_b", true, "*"));
    index.apply("wh_5", subscription("wh_5", "space_a", true, "orchestration.finished"));

    assertThat(ids(index.matching("space_a", "job.failed")))
        .containsExactlyInAnyOrder("wh_1", "wh_2");
    assertThat(ids(index.matching("space_a", "job.succeeded"))).containsExactly("wh_2");
    assertThat(ids(index.matching("space_b", "job.failed"))).containsExactly("wh_4");
    assertThat(index.matching("space_c", "job.failed")).isEmpty();
  }

  @Test
  void disabledSubscriptionIsKeptButNeverMatched() {
    index.apply("wh_1", subscription("wh_1", "space_a", false, "*"));

    assertThat(index.matching("space_a", "job.failed")).isEmpty();
    assertThat(index.get("wh_1")).isPresent();
    assertThat(index.size()).isEqualTo(1);
  }

  @Test
  void replacingASubscriptionChangesWhatItMatches() {
    index.apply("wh_1", subscription("wh_1", "space_a", true, "job.failed"));
    index.apply("wh_1", subscription("wh_1", "space_a", true, "job.succeeded"));

    assertThat(index.matching("space_a", "job.failed")).isEmpty();
    assertThat(ids(index.matching("space_a", "job.succeeded"))).containsExactly("wh_1");
    assertThat(index.size()).isEqualTo(1);
  }

  @Test
  void replacingWithAnotherSpaceMovesTheSubscription() {
    index.apply("wh_1", subscription("wh_1", "space_a", true, "*"));
    index.apply("wh_2", subscription("wh_2", "space_a", true, "*"));

    index.apply("wh_1", subscription("wh_1", "space_b", true, "*"));

    assertThat(ids(index.matching("space_a", "job.failed"))).containsExactly("wh_2");
    assertThat(ids(index.matching("space_b", "job.failed"))).containsExactly("wh_1");
    assertThat(index.get("wh_1").orElseThrow().spaceId()).isEqualTo("space_b");
  }

  @Test
  void disablingByReplacementStopsMatching() {
    index.apply("wh_1", subscription("wh_1", "space_a", true, "*"));
    index.apply("wh_1", subscription("wh_1", "space_a", false, "*"));

    assertThat(index.matching("space_a", "job.failed")).isEmpty();
  }

  @Test
  void deleteRemovesTheSubscription() {
    index.apply("wh_1", subscription("wh_1", "space_a", true, "*"));
    index.apply("wh_2", subscription("wh_2", "space_a", true, "*"));

    index.apply("wh_1", null);

    assertThat(ids(index.matching("space_a", "job.failed"))).containsExactly("wh_2");
    assertThat(index.get("wh_1")).isEmpty();
    assertThat(ids(index.all())).containsExactly("wh_2");
    assertThat(index.size()).isEqualTo(1);
  }

  @Test
  void deletingTheLastSubscriptionOfASpaceLeavesNothingToMatch() {
    index.apply("wh_1", subscription("wh_1", "space_a", true, "*"));

    index.apply("wh_1", null);

    assertThat(index.matching("space_a", "job.failed")).isEmpty();
    assertThat(index.size()).isZero();
    // The space can be filled again afterwards.
    index.apply("wh_3", subscription("wh_3", "space_a", true, "*"));
    assertThat(ids(index.matching("space_a", "job.failed"))).containsExactly("wh_3");
  }

  @Test
  void deletingAnUnknownIdChangesNothing() {
    index.apply("wh_1", subscription("wh_1", "space_a", true, "*"));

    index.apply("wh_unknown", null);

    assertThat(index.size()).isEqualTo(1);
    assertThat(index.matching("space_a", "x")).hasSize(1);
  }

  @Test
  void matchingReturnsACopyCallersMayChange() {
    index.apply("wh_1", subscription("wh_1", "space_a", true, "*"));

    index.matching("space_a", "job.failed").clear();

    assertThat(index.matching("space_a", "job.failed")).hasSize(1);
  }

  static Subscription subscription(String id, String space, boolean enabled, String... patterns) {
    return new Subscription(
        id,
        space,
        URI.create("https://hooks.example.com/" + id),
        Arrays.stream(patterns).map(EventPattern::new).toList(),
        enabled,
        null,
        null,
        null,
        "",
        null,
        new byte[0]);
  }

  private static List<String> ids(Collection<Subscription> subscriptions) {
    return subscriptions.stream().map(Subscription::id).toList();
  }
}
