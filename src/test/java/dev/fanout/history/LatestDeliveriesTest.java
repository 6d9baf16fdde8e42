package dev.fanout.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class LatestDeliveriesTest {
  private static final Instant T0 = Instant.parse("2026-11-29T12:00:00Z");

  private static HistoryRecord attempt(String id, int attempt, String outcome, int second) {
    return new HistoryRecord(
        HistoryRecord.ATTEMPT,
        id,
        "wh_1",
        "evt_" + id,
        "job.failed",
        attempt,
        0,
        outcome,
        outcome.equals("delivered") ? 200 : 500,
        outcome.equals("delivered") ? null : "http_status",
        null,
        3,
        T0.plusSeconds(second),
        null);
  }

  @Test
  void keepsOnlyTheNewestDeliveriesUpToTheLimit() {
    LatestDeliveries latest = new LatestDeliveries("wh_1", false, 2);
    latest.add(attempt("a", 1, "delivered", 1));
    latest.add(attempt("b", 1, "retry", 2));
    latest.add(attempt("c", 1, "delivered", 3));
    // b's second attempt comes back after b was pushed out: it is newest now, and counted right.
    latest.add(attempt("b", 2, "delivered", 4));

    assertThat(latest.newestFirst())
        .extracting(DeliverySummary::deliveryId, DeliverySummary::attempts, DeliverySummary::state)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("b", 2, "delivered"),
            org.assertj.core.groups.Tuple.tuple("c", 1, "delivered"));
  }

  @Test
  void failedOnlyDropsDeliveriesThatSucceededLater() {
    LatestDeliveries latest = new LatestDeliveries("wh_1", true, 10);
    latest.add(attempt("a", 1, "retry", 1));
    latest.add(attempt("b", 1, "retry", 2));
    latest.add(attempt("a", 2, "delivered", 3));

    assertThat(latest.newestFirst())
        .extracting(DeliverySummary::deliveryId, DeliverySummary::state)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("b", "retrying"));
  }

  @Test
  void ignoresOtherWebhooks() {
    LatestDeliveries latest = new LatestDeliveries("wh_2", false, 10);
    latest.add(attempt("a", 1, "retry", 1));

    assertThat(latest.newestFirst()).isEmpty();
  }
}
