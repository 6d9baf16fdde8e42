package dev.fanout.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every alert's runbook annotation leads to a section of docs/operations.md. */
class AlertRunbooksTest {
  @Test
  void everyAlertHasARunbookSection() throws Exception {
    Set<String> anchors =
        Files.readString(Path.of("docs/operations.md"))
            .lines()
            .filter(line -> line.startsWith("#"))
            .map(AlertRunbooksTest::anchor)
            .collect(Collectors.toSet());
    JsonNode rules =
        new ObjectMapper(new YAMLFactory()).readTree(new File("deploy/prometheus/alerts.yaml"));
    int alerts = 0;
    for (JsonNode group : rules.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        String runbook = rule.path("annotations").path("runbook").asText();
        assertThat(runbook)
            .as("runbook of %s", rule.path("alert").asText())
            .startsWith("docs/operations.md#");
        assertThat(anchors).contains(runbook.substring(runbook.indexOf('#') + 1));
        alerts++;
      }
    }
    assertThat(alerts).isPositive();
  }

  /** The anchor GitHub gives a Markdown heading. */
  private static String anchor(String heading) {
    return heading
        .replaceFirst("^#+\\s*", "")
        .strip()
        .toLowerCase(Locale.ROOT)
        .replaceAll("[^a-z0-9 _-]", "")
        .replace(' ', '-');
  }
}
