package dev.fanout.offsets;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

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
 * + 1 whatever the next registered offset is. Memory is one entry per record registered since the
 * oldest unfinished one. That stays small because every record reaches an end within bounded time:
 * a delivery attempt has a deadline, and a write that can never succeed ends the task in the
 * dead-letter topic rather than being retried for ever. Thread-safe: completions arrive from
 * delivery threads while the poll thread registers and reads.
 */
public final class PartitionOffsets {
  // Registered offsets in increasing order, each mapped to whether it has finished.
  private final LinkedHashMap<Long, Boolean> registered = new LinkedHashMap<>();
  private long lastRegistered = -1;
  private int unfinished;
  private long committable = -1;
  private long committed = -1;

  /** Records a consumed offset; offsets must be registered in increasing order. */
  public synchronized void register(long offset) {
    if (offset <= lastRegistered) {
      throw new IllegalArgumentException("offset " + offset + " registered out of order");
    }
    lastRegistered = offset;
    registered.put(offset, Boolean.FALSE);
    unfinished++;
  }

  /**
   * Marks a registered offset finished. Offsets never registered, or finished twice, are ignored.
   */
  public synchronized void finish(long offset) {
    Boolean finished = registered.get(offset);
    if (finished == null || finished) {
      return;
    }
    registered.put(offset, Boolean.TRUE);
    unfinished--;
    Iterator<Map.Entry<Long, Boolean>> head = registered.entrySet().iterator();
    while (head.hasNext()) {
      Map.Entry<Long, Boolean> entry = head.next();
      if (!entry.getValue()) {
        break;
      }
      committable = entry.getKey() + 1;
      head.remove();
    }
  }

  /** The position to commit now, if it moved since {@link #markCommitted}. */
  public synchronized OptionalLong toCommit() {
    return committable > committed ? OptionalLong.of(committable) : OptionalLong.empty();
  }

  public synchronized void markCommitted(long position) {
    committed = Math.max(committed, position);
  }

  /**
   * Records consumed and not committed yet, finished or not: what the next owner would consume
   * again if this member died now. An upper bound: it counts by offset, and offsets have gaps.
   */
  public synchronized long uncommitted() {
    return registered.size() + Math.max(0, committable - Math.max(committed, 0));
  }

  /** Registered offsets not finished yet. */
  public synchronized int unfinished() {
    return unfinished;
  }
}
