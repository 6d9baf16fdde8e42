package dev.fanout.offsets;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * {@link PartitionOffsets} for every partition this worker owns. A completion holds the {@code
 * PartitionOffsets} it was registered with, so once a partition is revoked its late completions
 * land on an object nobody reads any more and change nothing, even if the partition comes back.
 */
public final class OffsetLedger {
  private final Map<TopicPartition, PartitionOffsets> partitions = new ConcurrentHashMap<>();

  /** Starts tracking newly assigned partitions; partitions already tracked keep their state. */
  public void assigned(Collection<TopicPartition> assigned) {
    for (TopicPartition tp : assigned) {
      partitions.putIfAbsent(tp, new PartitionOffsets());
    }
  }

  public void revoked(Collection<TopicPartition> revoked) {
    revoked.forEach(partitions::remove);
  }

  /** The tracker of an owned partition; null when not owned. */
  public PartitionOffsets of(TopicPartition tp) {
    return partitions.get(tp);
  }

  /** Commit positions that moved, for the given partitions (all owned ones when null). */
  public Map<TopicPartition, OffsetAndMetadata> toCommit(Collection<TopicPartition> only) {
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    partitions.forEach(
        (tp, offsets) -> {
          if (only == null || only.contains(tp)) {
            OptionalLong position = offsets.toCommit();
            if (position.isPresent()) {
              out.put(tp, new OffsetAndMetadata(position.getAsLong()));
            }
          }
        });
    return out;
  }

  public void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
    offsets.forEach(
        (tp, om) -> {
          PartitionOffsets p = partitions.get(tp);
          if (p != null) {
            p.markCommitted(om.offset());
          }
        });
  }

  /** Records consumed and not committed yet, over every owned partition (an upper bound). */
  public long uncommitted() {
    long total = 0;
    for (PartitionOffsets p : partitions.values()) {
      total += p.uncommitted();
    }
    return total;
  }

  public int unfinished() {
    int total = 0;
    for (PartitionOffsets p : partitions.values()) {
      total += p.unfinished();
    }
    return total;
  }
}
