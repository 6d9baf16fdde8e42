package dev.fanout.worker;

import dev.fanout.delivery.Source;
import dev.fanout.offsets.PartitionOffsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One partition this member consumes: its offsets, whether it still owns it, and how many writes
 * for its tasks keep failing. Made when the partition is assigned, given up when it is revoked; a
 * late completion or hand-over of a task of it then sees {@link #owned} false. Thread-safe.
 */
final class ConsumedPartition implements Source {
  final PartitionOffsets offsets;
  private final AtomicInteger failingWrites = new AtomicInteger();
  private volatile boolean owned = true;

  ConsumedPartition(PartitionOffsets offsets) {
    this.offsets = offsets;
  }

  @Override
  public boolean owned() {
    return owned;
  }

  void giveUp() {
    owned = false;
  }

  @Override
  public void writeFailing(boolean failing) {
    failingWrites.addAndGet(failing ? 1 : -1);
  }

  /** Whether a write for one of its tasks keeps failing: consume nothing more of it meanwhile. */
  boolean stuck() {
    return failingWrites.get() > 0;
  }
}
