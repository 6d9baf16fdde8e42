package dev.fanout.fault;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What a SIGKILL exposes to redelivery: pairs the killed worker had delivered from records past its
 * partitions' committed offsets. The next owner starts at the committed offset, so each of these is
 * delivered again. This is finished work waiting for its commit (up to {@code commit.interval}, or
 * behind an unfinished record of the same partition), which the in-flight gauge does not count.
 *
 * <p>Exact up to two races: a commit in flight at the kill, and a 2xx written by a receiver but not
 * yet read by the worker (counted here, and also redelivered).
 */
record KillExposure(Set<Integer> partitions, int deliveredUncommitted) {
  private static final Pattern ASSIGNMENT =
      Pattern.compile("events (assigned|revoked) \\[([^\\]]*)\\]");

  static KillExposure measure(FaultRun run, WorkerProcess victim, Instant killedAt)
      throws Exception {
    Set<Integer> owned = eventPartitions(victim.log());
    Map<TopicPartition, OffsetAndMetadata> committed = run.committedEventOffsets();
    int exposed = 0;
    for (EventLoad.Produced p : run.load().produced()) {
      if (!owned.contains(p.partition())) {
        continue;
      }
      OffsetAndMetadata c = committed.get(new TopicPartition(FaultRun.EVENTS, p.partition()));
      if (c != null && p.offset() < c.offset()) {
        continue;
      }
      for (String endpoint : run.endpoints()) {
        DeliveryLedger.Entry e =
            run.ledger()
                .get(new DeliveryLedger.Pair(p.id(), FaultRun.webhookId(p.space(), endpoint)));
        if (e != null && e.firstDeliveredAt != null && e.firstDeliveredAt.isBefore(killedAt)) {
          exposed++;
        }
      }
    }
    return new KillExposure(new TreeSet<>(owned), exposed);
  }

  /** The event partitions the worker owned last, from its "events assigned/revoked" log lines. */
  static Set<Integer> eventPartitions(Path log) throws IOException {
    Set<Integer> owned = new HashSet<>();
    for (String line : Files.readAllLines(log)) {
      Matcher m = ASSIGNMENT.matcher(line);
      if (!m.find()) {
        continue;
      }
      for (String tp : m.group(2).split(",\\s*")) {
        if (tp.isBlank()) {
          continue;
        }
        int partition = Integer.parseInt(tp.substring(tp.lastIndexOf('-') + 1));
        if (m.group(1).equals("assigned")) {
          owned.add(partition);
        } else {
          owned.remove(partition);
        }
      }
    }
    return owned;
  }
}
