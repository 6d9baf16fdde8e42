package dev.fanout.cli;

import static dev.fanout.testing.FanoutHarness.SPACE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.testing.FanoutHarness;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code fanout dlq stats} and {@code dlq list} count exactly what is in the dead-letter topic. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DlqInspectIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.now();
  private static final Instant TWO_DAYS_AGO = NOW.minus(Duration.ofDays(2));

  private FanoutHarness fanout;
  private CliRun cli;

  /**
   * Six dead letters: four of wh_a (three http_status, one timeout; one of them two days old), one
   * of wh_b in space_7, and one unreadable event with no webhook.
   */
  @BeforeAll
  void writeDeadLetters() {
    fanout = new FanoutHarness();
    cli = new CliRun(fanout);
    try (DeadLetters dlq = new DeadLetters(fanout)) {
      dlq.write(
          0,
          TWO_DAYS_AGO,
          DeadLetters.event("evt_old", "job.failed", SPACE),
          DeadLetters.delivery("http_status", "wh_a", "evt_old", "job.failed"));
      dlq.write(
          0,
          NOW,
          DeadLetters.event("evt_1", "job.failed", SPACE),
          DeadLetters.delivery("http_status", "wh_a", "evt_1", "job.failed"));
      dlq.write(
          1,
          NOW,
          DeadLetters.event("evt_2", "job.succeeded", SPACE),
          DeadLetters.delivery("http_status", "wh_a", "evt_2", "job.succeeded"));
      dlq.write(
          2,
          NOW,
          DeadLetters.event("evt_3", "orchestration.finished", SPACE),
          DeadLetters.delivery("timeout", "wh_a", "evt_3", "orchestration.finished"));
      dlq.write(
          1,
          NOW,
          DeadLetters.event("evt_4", "job.failed", "space_7"),
          DeadLetters.delivery("http_status", "wh_b", "evt_4", "job.failed"));
      dlq.write(
          2,
          NOW,
          "definitely { not json",
          Map.of("fanout.reason", "invalid_event", "fanout.error", "event is not valid JSON"));
    }
  }

  @AfterAll
  void stop() throws Exception {
    if (cli != null) {
      cli.close();
    }
    fanout.close();
  }

  @Test
  void statsCountByReasonWebhookSpaceAndType() {
    assertThat(cli.run("dlq", "stats")).isEqualTo(ExitCodes.OK);
    assertThat(cli.out())
        .containsPattern("(?m)^dead letters  6$")
        .containsPattern(
            "(?m)^oldest        "
                + TWO_DAYS_AGO.truncatedTo(java.time.temporal.ChronoUnit.MILLIS)
                + " \\(at 0:0\\)$")
        .containsPattern("(?m)^http_status\\s+4$")
        .containsPattern("(?m)^timeout\\s+1$")
        .containsPattern("(?m)^invalid_event\\s+1$")
        .containsPattern("(?m)^wh_a\\s+4$")
        .containsPattern("(?m)^wh_b\\s+1$")
        .containsPattern("(?m)^\\(none\\)\\s+1$")
        .containsPattern("(?m)^space_42\\s+4$")
        .containsPattern("(?m)^space_7\\s+1$")
        .containsPattern("(?m)^\\(unknown\\)\\s+1$")
        .containsPattern("(?m)^job.failed\\s+3$")
        .containsPattern("(?m)^job.succeeded\\s+1$")
        .containsPattern("(?m)^orchestration.finished\\s+1$");
  }

  @Test
  void statsSinceADurationLeaveOutOlderDeadLetters() throws Exception {
    assertThat(cli.run("dlq", "stats", "--since", "24h", "--output", "json"))
        .isEqualTo(ExitCodes.OK);
    JsonNode stats = JSON.readTree(cli.out());
    assertThat(stats.get("total").asLong()).isEqualTo(5);
    assertThat(stats.get("webhooks").get("wh_a").asLong()).isEqualTo(3);
    assertThat(stats.get("reasons").get("http_status").asLong()).isEqualTo(3);
  }

  @Test
  void listShowsTheDeadLettersOfOneWebhook() {
    assertThat(cli.run("dlq", "list", "--webhook", "wh_a", "--reason", "http_status"))
        .isEqualTo(ExitCodes.OK);
    List<String> rows = cli.out().lines().skip(1).toList();
    assertThat(rows).hasSize(3);
    assertThat(rows)
        .allSatisfy(r -> assertThat(r).contains("wh_a", "http_status", "500"))
        .anySatisfy(r -> assertThat(r).startsWith("0:0 ").contains("evt_old"))
        .anySatisfy(r -> assertThat(r).startsWith("0:1 ").contains("evt_1"))
        .anySatisfy(r -> assertThat(r).startsWith("1:0 ").contains("evt_2"));
    assertThat(cli.run("dlq", "list", "--space", "space_42", "--limit", "2"))
        .isEqualTo(ExitCodes.OK);
    assertThat(cli.out().lines().skip(1)).hasSize(2);
  }

  @Test
  void listAsJsonDecodesHeadersAndGivesTheBodyOnlyWhenAsked() throws Exception {
    assertThat(
            cli.run(
                "dlq",
                "list",
                "--event-type",
                "job.failed",
                "--since",
                "24h",
                "--output",
                "json",
                "--with-body"))
        .isEqualTo(ExitCodes.OK);
    List<String> lines = cli.out().lines().toList();
    assertThat(lines).hasSize(2);
    JsonNode first =
        JSON.readTree(lines.stream().filter(l -> l.contains("evt_1")).findFirst().orElseThrow());
    assertThat(first.get("partition").asInt()).isEqualTo(0);
    assertThat(first.get("offset").asLong()).isEqualTo(1);
    assertThat(first.get("timestamp").asText())
        .isEqualTo(NOW.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString());
    assertThat(first.get("headers").get("fanout.delivery.id").asText())
        .isEqualTo(dev.fanout.delivery.DeliveryIds.of("evt_1", "wh_a"));
    assertThat(first.get("headers").get("traceparent").asText()).startsWith("00-0af7");
    assertThat(first.get("body").asText())
        .isEqualTo(DeadLetters.event("evt_1", "job.failed", SPACE));

    assertThat(cli.run("dlq", "list", "--from-offset", "1", "--to-offset", "1", "--output", "json"))
        .isEqualTo(ExitCodes.OK);
    List<JsonNode> atOne = cli.out().lines().map(DlqInspectIT::read).toList();
    assertThat(atOne).hasSize(3).allSatisfy(n -> assertThat(n.has("body")).isFalse());
    assertThat(atOne).extracting(n -> n.get("offset").asLong()).containsOnly(1L);
  }

  private static JsonNode read(String line) {
    try {
      return JSON.readTree(line);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
