package dev.fanout.fault;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The count of one run, over the pairs expected from what the producer wrote (never from what
 * arrived): each pair is delivered (answered 2xx at least once), dead-lettered (and never
 * delivered), or lost (neither).
 *
 * @param duplicates deliveries beyond the first, summed over the pairs
 * @param deadLetters dead-letter records of expected pairs
 * @param mostDeadLettersPerDelivery the largest number of dead letters of one delivery id
 * @param forkedDeliveries delivery ids with more than one dead letter
 * @param deliveredAndDeadLettered pairs that were delivered and also dead-lettered
 * @param unstableIds pairs whose requests did not all carry the same {@code x-y42-delivery}
 * @param unexpected pairs seen by the receivers or in the dead-letter topic but never produced
 * @param resolvedAt when the last pair was first delivered or dead-lettered (null: none was)
 */
record Tally(
    int events,
    int pairs,
    int delivered,
    int duplicates,
    int deadLettered,
    int deadLetters,
    int mostDeadLettersPerDelivery,
    int forkedDeliveries,
    int deliveredAndDeadLettered,
    int lost,
    int unstableIds,
    int unexpected,
    Instant resolvedAt) {

  static Tally of(
      Set<DeliveryLedger.Pair> expected,
      DeliveryLedger ledger,
      List<DeadLetters.DeadLetter> deadLetterRecords) {
    return of(expected, ledger, deadLetterRecords, p -> true);
  }

  /** The count of the expected pairs that {@code include} accepts (one webhook, say). */
  static Tally of(
      Set<DeliveryLedger.Pair> expected,
      DeliveryLedger ledger,
      List<DeadLetters.DeadLetter> deadLetterRecords,
      Predicate<DeliveryLedger.Pair> include) {
    Map<DeliveryLedger.Pair, Integer> deadLettersByPair = new HashMap<>();
    Map<DeliveryLedger.Pair, Instant> firstDeadLetter = new HashMap<>();
    Map<String, Integer> deadLettersById = new HashMap<>();
    int unexpected = 0;
    int deadLetterCount = 0;
    for (DeadLetters.DeadLetter d : deadLetterRecords) {
      DeliveryLedger.Pair pair = d.pair();
      if (pair == null) {
        continue; // an unusable event: accounted for by the poison scenario
      }
      if (!expected.contains(pair)) {
        unexpected++;
        continue;
      }
      if (!include.test(pair)) {
        continue;
      }
      deadLetterCount++;
      deadLettersByPair.merge(pair, 1, Integer::sum);
      firstDeadLetter.merge(pair, d.writtenAt(), (a, b) -> a.isBefore(b) ? a : b);
      if (d.deliveryId() != null) {
        deadLettersById.merge(d.deliveryId(), 1, Integer::sum);
      }
    }
    for (DeliveryLedger.Pair seen : ledger.pairs()) {
      if (!expected.contains(seen)) {
        unexpected++;
      }
    }
    int pairs = 0;
    int delivered = 0;
    int duplicates = 0;
    int deadLettered = 0;
    int both = 0;
    int lost = 0;
    int unstable = 0;
    Instant resolvedAt = null;
    Set<String> events = new HashSet<>();
    for (DeliveryLedger.Pair pair : expected) {
      if (!include.test(pair)) {
        continue;
      }
      pairs++;
      events.add(pair.eventId());
      DeliveryLedger.Entry entry = ledger.get(pair);
      int deliveries = entry == null ? 0 : entry.deliveries;
      int deadLetters = deadLettersByPair.getOrDefault(pair, 0);
      if (entry != null && entry.deliveryIds.size() > 1) {
        unstable++;
      }
      Instant resolved = null;
      if (deliveries > 0) {
        delivered++;
        duplicates += deliveries - 1;
        resolved = entry.firstDeliveredAt;
        if (deadLetters > 0) {
          both++;
        }
      } else if (deadLetters > 0) {
        deadLettered++;
        resolved = firstDeadLetter.get(pair);
      } else {
        lost++;
      }
      if (resolved != null && (resolvedAt == null || resolved.isAfter(resolvedAt))) {
        resolvedAt = resolved;
      }
    }
    int most = deadLettersById.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    int forked = (int) deadLettersById.values().stream().filter(n -> n > 1).count();
    return new Tally(
        events.size(),
        pairs,
        delivered,
        duplicates,
        deadLettered,
        deadLetterCount,
        most,
        forked,
        both,
        lost,
        unstable,
        unexpected,
        resolvedAt);
  }
}
