package dev.fanout.fault;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What one scenario did and measured, and its pass criteria, each with the value it was judged on.
 * The criteria's limits come from the scenario's set-up (what was produced, what was in flight when
 * a worker was killed), never from the counts they judge.
 */
final class ScenarioResult {
  /** One pass criterion and what was measured for it. */
  record Check(String criterion, boolean passed, String measured) {}

  private final String name;
  private final String title;
  private final String fault;
  private final Tally tally;
  private final Instant faultAt;
  private final Duration took;
  private final boolean settled;
  private final Map<String, String> notes = new LinkedHashMap<>();
  private final List<Check> checks = new ArrayList<>();

  ScenarioResult(
      String name,
      String title,
      String fault,
      Tally tally,
      Instant faultAt,
      Duration took,
      boolean settled) {
    this.name = name;
    this.title = title;
    this.fault = fault;
    this.tally = tally;
    this.faultAt = faultAt;
    this.took = took;
    this.settled = settled;
  }

  ScenarioResult note(String key, Object value) {
    notes.put(key, String.valueOf(value));
    return this;
  }

  ScenarioResult check(String criterion, boolean passed, Object measured) {
    checks.add(new Check(criterion, passed, String.valueOf(measured)));
    return this;
  }

  /** The checks every scenario makes: nothing lost, at most one dead letter per delivery id. */
  ScenarioResult commonChecks() {
    check("zero pairs lost", tally.lost() == 0, tally.lost() + " lost of " + tally.pairs());
    check(
        "at most one dead letter per delivery id",
        tally.mostDeadLettersPerDelivery() <= 1,
        tally.forkedDeliveries()
            + " delivery ids with several; most for one id: "
            + tally.mostDeadLettersPerDelivery());
    check(
        "one x-y42-delivery id per (event, webhook)",
        tally.unstableIds() == 0,
        tally.unstableIds() + " pairs with several ids");
    return this;
  }

  String name() {
    return name;
  }

  String title() {
    return title;
  }

  String fault() {
    return fault;
  }

  Tally tally() {
    return tally;
  }

  Duration took() {
    return took;
  }

  boolean settled() {
    return settled;
  }

  Map<String, String> notes() {
    return notes;
  }

  List<Check> checks() {
    return checks;
  }

  boolean passed() {
    return checks.stream().allMatch(Check::passed);
  }

  List<Check> failures() {
    return checks.stream().filter(c -> !c.passed()).toList();
  }

  /** From the fault to the moment the last expected pair was resolved; null when not measured. */
  Duration recovery() {
    if (faultAt == null || tally.resolvedAt() == null) {
      return null;
    }
    Duration d = Duration.between(faultAt, tally.resolvedAt());
    return d.isNegative() ? Duration.ZERO : d;
  }

  @Override
  public String toString() {
    Duration r = recovery();
    return String.format(
        "%s: events=%d pairs=%d delivered=%d duplicates=%d dead-lettered=%d (records %d, forked"
            + " ids %d) lost=%d recovery=%s settled=%s took=%ss %s%n  %s",
        name,
        tally.events(),
        tally.pairs(),
        tally.delivered(),
        tally.duplicates(),
        tally.deadLettered(),
        tally.deadLetters(),
        tally.forkedDeliveries(),
        tally.lost(),
        r == null ? "-" : r.toMillis() / 1000.0 + "s",
        settled,
        took.toSeconds(),
        notes,
        checks.stream()
            .map(c -> (c.passed() ? "PASS " : "FAIL ") + c.criterion() + " [" + c.measured() + "]")
            .collect(Collectors.joining("\n  ")));
  }
}
