package dev.fanout.offsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class PartitionOffsetsTest {
  private final PartitionOffsets offsets = new PartitionOffsets();

  @Test
  void nothingToCommitBeforeAnythingFinishes() {
    register(0, 1, 2);

    assertThat(offsets.toCommit()).isEmpty();
    assertThat(offsets.unfinished()).isEqualTo(3);
  }

  @Test
  void completionsZeroTwoOneFourThreeCommitFive() {
    register(0, 1, 2, 3, 4);

    offsets.finish(0);
    assertThat(offsets.toCommit()).hasValue(1);
    offsets.finish(2);
    assertThat(offsets.toCommit()).hasValue(1);
    offsets.finish(1);
    assertThat(offsets.toCommit()).hasValue(3);
    offsets.finish(4);
    assertThat(offsets.toCommit()).hasValue(3);
    offsets.finish(3);
    assertThat(offsets.toCommit()).hasValue(5);
    assertThat(offsets.unfinished()).isZero();
  }

  @Test
  void nothingToCommitUntilTheHeadFinishes() {
    register(10, 11, 12);

    offsets.finish(11);
    offsets.finish(12);

    assertThat(offsets.toCommit()).isEmpty();
    assertThat(offsets.unfinished()).isEqualTo(1);
    offsets.finish(10);
    assertThat(offsets.toCommit()).hasValue(13);
  }

  @Test
  void compactionGapsThreeSevenTwelveCommitAfterEachFinishedRecord() {
    register(3, 7, 12);

    offsets.finish(7);
    assertThat(offsets.toCommit()).isEmpty();
    offsets.finish(3);
    assertThat(offsets.toCommit()).hasValue(8);
    offsets.finish(12);
    assertThat(offsets.toCommit()).hasValue(13);
  }

  @Test
  void headOfGappedPartitionCommitsJustPastItself() {
    register(3, 7, 12);

    offsets.finish(3);

    assertThat(offsets.toCommit()).hasValue(4);
  }

  @Test
  void toCommitIsEmptyAfterMarkCommitted() {
    register(0, 1);
    offsets.finish(0);
    OptionalLong position = offsets.toCommit();

    offsets.markCommitted(position.getAsLong());

    assertThat(offsets.toCommit()).isEmpty();
    offsets.finish(1);
    assertThat(offsets.toCommit()).hasValue(2);
  }

  @Test
  void olderMarkCommittedDoesNotMoveBack() {
    register(0, 1, 2);
    offsets.finish(0);
    offsets.finish(1);
    offsets.markCommitted(2);

    offsets.markCommitted(1);

    assertThat(offsets.toCommit()).isEmpty();
  }

  @Test
  void oldOffsetsAreIgnored() {
    register(5, 6);
    offsets.finish(5);

    offsets.finish(5);
    offsets.finish(2);

    assertThat(offsets.toCommit()).hasValue(6);
    assertThat(offsets.unfinished()).isEqualTo(1);
  }

  @Test
  void finishingTheSameOffsetTwiceCountsOnce() {
    register(0, 1, 2);

    offsets.finish(2);
    offsets.finish(2);

    assertThat(offsets.unfinished()).isEqualTo(2);
    assertThat(offsets.toCommit()).isEmpty();
  }

  @Test
  void completionWithNothingRegisteredIsIgnored() {
    offsets.finish(4);

    assertThat(offsets.toCommit()).isEmpty();
    assertThat(offsets.unfinished()).isZero();
  }

  @Test
  void unknownOffsetInsideAGapIsIgnored() {
    register(3, 7, 12);

    offsets.finish(5);

    assertThat(offsets.unfinished()).isEqualTo(3);
    assertThat(offsets.toCommit()).isEmpty();
  }

  @Test
  void unknownOffsetInsideAGapDoesNotMoveTheCommitPosition() {
    register(3, 7, 12);

    offsets.finish(5);
    offsets.finish(8);

    assertThat(offsets.toCommit()).isEmpty();
    offsets.finish(3);
    assertThat(offsets.toCommit()).hasValue(4);
  }

  @Test
  void refusesOffsetsRegisteredOutOfOrder() {
    register(5);

    assertThatThrownBy(() -> offsets.register(5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> offsets.register(4)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesOffsetBeforeTheCommittablePositionOnceAllFinished() {
    register(5);
    offsets.finish(5);

    assertThatThrownBy(() -> offsets.register(3)).isInstanceOf(IllegalArgumentException.class);
    offsets.register(6);
    assertThat(offsets.unfinished()).isEqualTo(1);
  }

  private void register(long... all) {
    for (long offset : all) {
      offsets.register(offset);
    }
  }

  @Test
  void uncommittedCountsWhatACrashWouldHaveConsumedAgain() {
    PartitionOffsets offsets = new PartitionOffsets();
    for (long o = 0; o < 5; o++) {
      offsets.register(o);
    }
    offsets.finish(0);
    offsets.finish(1);
    offsets.finish(3);
    assertThat(offsets.uncommitted()).as("all five: nothing committed yet").isEqualTo(5);

    offsets.markCommitted(offsets.toCommit().getAsLong());

    assertThat(offsets.uncommitted()).as("2, 3 and 4: 3 is done but behind 2").isEqualTo(3);
  }
}
