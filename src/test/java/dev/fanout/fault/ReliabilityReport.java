package dev.fanout.fault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Writes {@code docs/reliability.md} from the results of a {@link FaultSuite} run. */
final class ReliabilityReport {
  private ReliabilityReport() {}

  private static String capitalized(String text) {
    return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }

  static void write(
      Path file,
      List<ScenarioResult> results,
      List<String> errors,
      Scenarios.Scale scale,
      Instant started)
      throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("# Reliability: delivery guarantees under faults\n\n")
        .append("Written by `src/test/fault/run-faults.sh` from the run of ")
        .append(started.truncatedTo(ChronoUnit.SECONDS))
        .append(" (")
        .append(Duration.between(started, Instant.now()).toMinutes())
        .append(" min, ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores; load ")
        .append(scale.rate())
        .append(" events/s for ")
        .append(scale.seconds())
        .append(
            " s per scenario unless a scenario says otherwise). Do not edit by hand:"
                + " rerun the script.\n\n")
        .append(
            """
            Each scenario runs its own topology: a single-node KRaft broker in its own process,
            three `java -jar target/fanout.jar worker` processes in one consumer group, and Netty
            receivers on 127.0.0.1, one port per endpoint. Events are keyed by space (24 spaces over
            6 partitions); every space has one webhook per endpoint, so each event must reach every
            endpoint once: a *pair*. The expected pairs come from the events the broker
            acknowledged. A pair is *delivered* when a receiver wrote a 2xx answer to it,
            *dead-lettered* when the dead-letter topic holds it (and it was never delivered), and
            *lost* otherwise. *Duplicates* are deliveries beyond the first. *Recovery* runs from
            the fault to the moment the last pair was first delivered or dead-lettered. The count
            is taken after a bounded wait until every pair is resolved and both consumer groups
            have committed everything, and after SIGTERM to every worker.

            Worker settings in every scenario (others are the defaults): `commit.interval=200ms`,
            `shutdown.timeout=20s`, `retry.schedule=1s,2s,4s`, consumer session timeout 10 s
            (heartbeat 1 s), `-Xmx256m`. Scenarios that change more say so. Endpoints answer 200
            after 100 ms; in the endpoint scenarios (failing-then-healing, slow-endpoint,
            resetting-endpoint) the endpoints that are not slow answer after 20 ms.

            """);
    md.append(
        "| scenario | events | pairs | delivered | duplicates | dead-lettered (records) | lost |"
            + " recovery | passed |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (ScenarioResult r : results) {
      Tally t = r.tally();
      Duration recovery = r.recovery();
      md.append(
          String.format(
              "| %s | %d | %d | %d | %d | %d (%d) | %d | %s | %s |%n",
              r.name(),
              t.events(),
              t.pairs(),
              t.delivered(),
              t.duplicates(),
              t.deadLettered(),
              t.deadLetters(),
              t.lost(),
              recovery == null ? "–" : String.format("%.1f s", recovery.toMillis() / 1000.0),
              r.passed() ? "yes" : "**no**"));
    }
    List<String> failed = new ArrayList<>();
    for (ScenarioResult r : results) {
      r.failures()
          .forEach(c -> failed.add(r.name() + ": " + c.criterion() + " (" + c.measured() + ")"));
    }
    md.append("\nFailed criteria: ").append(failed.isEmpty() ? "none.\n" : "\n\n");
    failed.forEach(f -> md.append("- ").append(f).append("\n"));
    if (!errors.isEmpty()) {
      md.append("\nScenarios that could not complete:\n\n");
      errors.forEach(e -> md.append("- `").append(e.replace('`', '\'')).append("`\n"));
    }
    for (ScenarioResult r : results) {
      String title = r.title().startsWith("kill") ? r.title() : capitalized(r.title());
      md.append("\n## ").append(r.name()).append("\n\n").append(title).append(".\n\n");
      md.append("- Fault: ").append(r.fault()).append("\n");
      md.append("- Took ")
          .append(r.took().toSeconds())
          .append(" s; settled within the bounded wait: ")
          .append(r.settled() ? "yes" : "**no**")
          .append("\n");
      r.notes().forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append("\n"));
      md.append("\n| pass criterion | measured | result |\n|---|---|---|\n");
      for (ScenarioResult.Check c : r.checks()) {
        md.append("| ")
            .append(c.criterion())
            .append(" | ")
            .append(c.measured())
            .append(" | ")
            .append(c.passed() ? "pass" : "**FAIL**")
            .append(" |\n");
      }
      md.append("\nRerun: `src/test/fault/run-faults.sh --only ")
          .append(r.name().startsWith("soak") ? "soak --soak 30m" : r.name())
          .append("`\n");
    }
    md.append(
        """

        ## How to run

        ```sh
        src/test/fault/run-faults.sh                      # every scenario, writes this file
        src/test/fault/run-faults.sh --only kill-9,poison # some scenarios
        src/test/fault/run-faults.sh --soak 30m           # every scenario, then a 30 min soak
        src/test/fault/run-faults.sh --scale ci           # the smaller load of FaultToleranceIT
        ```

        The script builds `target/fanout.jar` and the test classes, then runs
        `dev.fanout.fault.FaultSuite`. Logs of every broker and worker are kept under
        `target/fault-runs/`. `FaultToleranceIT` (run by `mvn verify`) runs the scenarios that fit
        in CI at the smaller scale and asserts the same criteria.
        """);
    Files.writeString(file, md.toString(), StandardCharsets.UTF_8);
  }
}
