package dev.fanout.offsets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetLedgerTest {
  private static final TopicPartition P0 = new TopicPartition("y42.events.jobs", 0);
  private static final TopicPartition P1 = new TopicPartition("y42.events.jobs", 1);

  private final OffsetLedger ledger = new OffsetLedger();

  @Test
  void completionOnRevokedPartitionsOldTrackerDoesNotAffectReassignedPartition() {
    ledger.assigned(List.of(P0));
    PartitionOffsets before = ledger.of(P0);
    before.register(0);
    before.register(1);

    ledger.revoked(List.of(P0));
    ledger.assigned(List.of(P0));
    PartitionOffsets after = ledger.of(P0);
    after.register(0);
    after.register(1);
    before.finish(0);
    before.finish(1);

    assertThat(after).isNotSameAs(before);
    assertThat(ledger.toCommit(null)).isEmpty();
    assertThat(ledger.unfinished()).isEqualTo(2);
  }

  @Test
  void revokedPartitionIsNoLongerTracked() {
    ledger.assigned(List.of(P0, P1));

    ledger.revoked(List.of(P0));

    assertThat(ledger.of(P0)).isNull();
    assertThat(ledger.of(P1)).isNotNull();
  }

  @Test
  void toCommitListsOnlyPartitionsWhosePositionMoved() {
    ledger.assigned(List.of(P0, P1));
    ledger.of(P0).register(4);
    ledger.of(P1).register(9);
    ledger.of(P0).finish(4);

    assertThat(ledger.toCommit(null)).containsExactly(Map.entry(P0, new OffsetAndMetadata(5)));
  }

  @Test
  void toCommitCanBeLimitedToSomePartitions() {
    ledger.assigned(List.of(P0, P1));
    ledger.of(P0).register(4);
    ledger.of(P1).register(9);
    ledger.of(P0).finish(4);
    ledger.of(P1).finish(9);

    assertThat(ledger.toCommit(List.of(P1)))
        .containsExactly(Map.entry(P1, new OffsetAndMetadata(10)));
  }

  @Test
  void committedPositionsAreNotOfferedAgain() {
    ledger.assigned(List.of(P0));
    ledger.of(P0).register(4);
    ledger.of(P0).finish(4);

    ledger.committed(ledger.toCommit(null));

    assertThat(ledger.toCommit(null)).isEmpty();
  }

  @Test
  void commitConfirmationForPartitionNoLongerOwnedIsIgnored() {
    ledger.assigned(List.of(P0));

    ledger.committed(Map.of(P1, new OffsetAndMetadata(3)));

    assertThat(ledger.of(P1)).isNull();
  }

  @Test
  void unfinishedSumsOverOwnedPartitions() {
    ledger.assigned(List.of(P0, P1));
    ledger.of(P0).register(1);
    ledger.of(P0).register(2);
    ledger.of(P1).register(1);

    assertThat(ledger.unfinished()).isEqualTo(3);
    ledger.of(P0).finish(2);
    assertThat(ledger.unfinished()).isEqualTo(2);
  }
}
