package dev.fanout.offsets;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The offsets of one partition that are consumed but maybe not finished, and the position that is
 * safe to commit.
 *
 * <p>Records finish out of order (a slow endpoint holds one record while later ones complete), but
 * a commit says "everything before this offset is done". So only the unbroken run of finished
 * records at the head counts: with 0, 2, 1, 4 finished out of 0..4, the commit position is 3, and
 * becomes 5 once 3 finishes.
 *
 * <p>Offsets are tracked as registered, not as a numeric range, because a partition's offsets have
 * gaps (compacted topics, transaction markers): the position after a finished record is its offset
 * + 1 whatever the next registered offset is. Memory is one entry per unfinished or out-of-order
 * finished record, which the dispatcher bounds. Thread-safe: completions arrive from delivery
 * threads while the poll thread registers and reads.
 */
public final class PartitionOffsets {
  private final ArrayDeque<Long> registered = new ArrayDeque<>();
  private final Set<Long> finishedAhead = new HashSet<>();
  private long committable = -1;
  private long committed = -1;

  /** Records a consumed offset; offsets must be registered in increasing order. */
  public synchronized void register(long offset) {
    Long last = registered.peekLast();
    if ((last != null && offset <= last) || offset < committable) {
      throw new IllegalArgumentException("offset " + offset + " registered out of order");
    }
    registered.addLast(offset);
  }

  /** Marks a registered offset finished. Unknown offsets (already passed) are ignored. */
  public synchronized void finish(long offset) {
    Long head = registered.peekFirst();
    if (head == null || offset < head) {
      return;
    }
    finishedAhead.add(offset);
    while (!registered.isEmpty() && finishedAhead.remove(registered.peekFirst())) {
      committable = registered.pollFirst() + 1;
    }
  }

  /** The position to commit now, if it moved since {@link #markCommitted}. */
  public synchronized OptionalLong toCommit() {
    return committable > committed ? OptionalLong.of(committable) : OptionalLong.empty();
  }

  public synchronized void markCommitted(long position) {
    committed = Math.max(committed, position);
  }

  /** Registered offsets not finished yet. */
  public synchronized int unfinished() {
    return registered.size() - finishedAhead.size();
  }
}
