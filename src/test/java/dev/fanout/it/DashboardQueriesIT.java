package dev.fanout.it;

import static dev.fanout.testing.FanoutHarness.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.fanout.signing.SecretCipher;
import dev.fanout.testing.FanoutHarness;
import dev.fanout.testing.LocalPrometheus;
import dev.fanout.testing.PromQl;
import dev.fanout.testing.TestReceiver;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard and the Prometheus alert rules read only what a worker exports. Runs the
 * production jar (target/fanout-worker.jar) on a real broker, makes it deliver, retry, dead-letter
 * and open a breaker, then checks every metric and label name of every panel query, template query
 * and alert expression against its {@code /metrics}.
 */
class DashboardQueriesIT {
  private static final Duration WAIT = Duration.ofSeconds(150);

  /** Series Prometheus makes itself, and labels it adds to every scraped series. */
  private static final Set<String> PROMETHEUS_SERIES = Set.of("up");

  private static final Set<String> TARGET_LABELS = Set.of("job", "instance");

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})?");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

  private TestReceiver receiver;
  private FanoutHarness fanout;
  private Process process;
  private Optional<LocalPrometheus> prometheus = Optional.empty();

  @BeforeEach
  void start() throws Exception {
    receiver = new TestReceiver();
    fanout =
        new FanoutHarness(
            Map.of(
                "breaker.minimum-calls", "2",
                "breaker.sliding-window-size", "4",
                "breaker.wait-in-open", "10m"));
  }

  @AfterEach
  void stop() throws Exception {
    if (prometheus.isPresent()) {
      prometheus.get().close();
    }
    if (process != null) {
      process.destroyForcibly().waitFor();
    }
    fanout.close();
    receiver.close();
  }

  @Test
  void everyDashboardAndAlertQueryReadsExportedMetrics() throws Exception {
    receiver.answer("/fail", 500);
    receiver.answer("/gone", 410);
    fanout.addWebhook(receiver.url("/ok"), "job.succeeded", "test-secret-0123456789");
    fanout.addWebhook(receiver.url("/fail"), "job.failed", "test-secret-0123456789");
    fanout.addWebhook(receiver.url("/gone"), "orchestration.finished", "test-secret-0123456789");
    int port = freePort();
    Path log = Files.createTempFile("fanout-dashboard", ".log");
    ProcessBuilder worker =
        new ProcessBuilder(command(port)).redirectErrorStream(true).redirectOutput(log.toFile());
    // The harness encrypts the secrets: the worker needs the keys to read them (and to be ready).
    worker.environment().put(SecretCipher.KEYS_VARIABLE, fanout.secretKeys());
    process = worker.start();
    HttpClient http = HttpClient.newHttpClient();
    await().atMost(WAIT).until(() -> status(http, port, "/health/ready") == 200);
    prometheus = LocalPrometheus.scraping(port);
    for (int i = 0; i < 5; i++) {
      fanout.produceEvent(fanout.jobsTopic(), event("ok_" + i, "job.succeeded"));
      fanout.produceEvent(fanout.jobsTopic(), event("fail_" + i, "job.failed"));
    }
    fanout.produceEvent(fanout.orchestrationsTopic(), event("gone_0", "orchestration.finished"));

    Map<String, List<String>> queries = queries();
    assertThat(queries).as("queries found in the dashboard and the rules").hasSizeGreaterThan(20);
    // Kafka's per-partition meters appear when Micrometer next looks for new client metrics (once
    // a minute), so wait for the scrape to hold everything before judging it.
    Scrape[] scrape = new Scrape[1];
    try {
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofSeconds(2))
          .until(
              () -> {
                scrape[0] = Scrape.parse(body(http, port));
                return problems(queries, scrape[0]).isEmpty();
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      // fall through to the assertion, which names every problem
    }
    assertThat(problems(queries, scrape[0]))
        .as("queries reading what the worker does not export (worker log: %s)", log)
        .isEmpty();
    // The scrape was taken with every kind of outcome the panels show.
    assertThat(scrape[0].labelValues("fanout_circuit_breakers", "state", "open"))
        .as("an open breaker")
        .isGreaterThan(0);
    assertThat(scrape[0].names)
        .contains(
            "fanout_retries_scheduled_total",
            "fanout_held_total",
            "fanout_dead_letters_total",
            "fanout_dns_lookups_overdue",
            "fanout_subscriptions_weak_secrets",
            "kafka_consumer_fetch_manager_records_lag");

    if (prometheus.isEmpty()) {
      System.err.println("prometheus is not installed: the queries were not evaluated");
      return;
    }
    evaluate(prometheus.get(), queries);
  }

  /**
   * With a real Prometheus scraping the worker: every query parses and evaluates, and every panel
   * shows something (a series, if only of zeros) for a worker that has seen every outcome.
   */
  private static void evaluate(LocalPrometheus prometheus, Map<String, List<String>> queries)
      throws Exception {
    await().atMost(Duration.ofSeconds(60)).until(() -> prometheus.samplesScraped() >= 5);
    // A series the worker re-registers (Micrometer rebinds Kafka client meters as partitions come
    // and go) can miss one scrape and be stale for a moment: judge again until a settled answer.
    List<String> problems = new ArrayList<>();
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofSeconds(2))
          .until(
              () -> {
                problems.clear();
                problems.addAll(evaluationProblems(prometheus, queries));
                return problems.isEmpty();
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      // the assertion names every problem
    }
    assertThat(problems).as("queries evaluated by Prometheus (%s)", prometheus.log()).isEmpty();
  }

  private static List<String> evaluationProblems(
      LocalPrometheus prometheus, Map<String, List<String>> queries) {
    List<String> problems = new ArrayList<>();
    queries.forEach(
        (where, expressions) -> {
          if (where.startsWith("variable ")) {
            return; // Grafana's label_values(), not PromQL
          }
          for (String expression : expressions) {
            String promql =
                expression
                    .replace("$__rate_interval", "1m")
                    .replace("$instance", ".*")
                    .replace("$topics", ".*[.].*");
            try {
              JsonNode data = prometheus.query(promql);
              if (where.startsWith("panel ") && data.path("result").isEmpty()) {
                problems.add(where + ": no series for " + promql);
              }
            } catch (Exception e) {
              problems.add(where + ": " + e.getMessage());
            }
          }
        });
    return problems;
  }

  /** Every PromQL expression, keyed by where it comes from. */
  private static Map<String, List<String>> queries() throws Exception {
    Map<String, List<String>> queries = new LinkedHashMap<>();
    ObjectMapper json = new ObjectMapper();
    JsonNode dashboard = json.readTree(new File("deploy/grafana/fanout.json"));
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        queries
            .computeIfAbsent("panel '" + panel.path("title").asText() + "'", k -> new ArrayList<>())
            .add(target.path("expr").asText());
      }
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if (variable.path("type").asText().equals("query")) {
        queries.put(
            "variable " + variable.path("name").asText(),
            List.of(variable.path("query").path("query").asText()));
      }
    }
    JsonNode rules =
        new ObjectMapper(new YAMLFactory()).readTree(new File("deploy/prometheus/alerts.yaml"));
    for (JsonNode group : rules.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        queries.put("alert " + rule.path("alert").asText(), List.of(rule.path("expr").asText()));
      }
    }
    queries.values().forEach(list -> list.forEach(q -> assertThat(q).isNotBlank()));
    return queries;
  }

  /** What each query reads that the scrape does not hold, as readable lines. */
  private static List<String> problems(Map<String, List<String>> queries, Scrape scrape) {
    List<String> problems = new ArrayList<>();
    queries.forEach(
        (where, expressions) -> {
          for (String expression : expressions) {
            PromQl.Reads reads = PromQl.reads(expression);
            Set<String> labelsOfAll = new TreeSet<>(TARGET_LABELS);
            reads
                .metrics()
                .forEach(
                    (metric, labels) -> {
                      if (PROMETHEUS_SERIES.contains(metric)) {
                        labelsOfAll.addAll(labels);
                        return;
                      }
                      if (!scrape.names.contains(metric)) {
                        problems.add(where + ": " + metric + " is not exported");
                        return;
                      }
                      if (metric.endsWith("_bucket")
                          && !"histogram".equals(scrape.types.get(stripBucket(metric)))) {
                        problems.add(where + ": " + metric + " is not a histogram's buckets");
                      }
                      Set<String> exported = scrape.labels.get(metric);
                      labelsOfAll.addAll(exported);
                      for (String label : labels) {
                        if (!exported.contains(label) && !TARGET_LABELS.contains(label)) {
                          problems.add(where + ": " + metric + " has no label " + label);
                        }
                      }
                    });
            for (String label : reads.groupingLabels()) {
              if (!labelsOfAll.contains(label)) {
                problems.add(where + ": groups by " + label + ", which no metric it reads has");
              }
            }
          }
        });
    return problems;
  }

  private static String stripBucket(String metric) {
    return metric.substring(0, metric.length() - "_bucket".length());
  }

  /** Series names, their label names and the declared types of a Prometheus text scrape. */
  private record Scrape(
      Set<String> names,
      Map<String, Set<String>> labels,
      Map<String, String> types,
      List<String> lines) {
    static Scrape parse(String text) {
      Map<String, Set<String>> labels = new TreeMap<>();
      Map<String, String> types = new TreeMap<>();
      List<String> lines = text.lines().toList();
      for (String line : lines) {
        if (line.startsWith("# TYPE ")) {
          String[] parts = line.split(" ");
          types.put(parts[2], parts[3]);
          continue;
        }
        Matcher sample = SAMPLE.matcher(line);
        if (line.startsWith("#") || !sample.find()) {
          continue;
        }
        Set<String> names = labels.computeIfAbsent(sample.group(1), k -> new TreeSet<>());
        if (sample.group(2) != null) {
          Matcher label = LABEL.matcher(sample.group(2));
          while (label.find()) {
            names.add(label.group(1));
          }
        }
      }
      return new Scrape(labels.keySet(), labels, types, lines);
    }

    double labelValues(String metric, String label, String value) {
      String prefix = metric + "{";
      return lines.stream()
          .filter(l -> l.startsWith(prefix) && l.contains(label + "=\"" + value + "\""))
          .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
          .sum();
    }
  }

  private List<String> command(int port) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx256m",
                "-jar",
                WorkerJarIT.jar("fanout-worker.jar"),
                "--bootstrap-servers",
                fanout.config().kafka().bootstrapServers()));
    for (String key :
        List.of(
            "consumer.group-id",
            "topics.events",
            "topics.webhooks",
            "topics.dlq",
            "topics.retry-prefix",
            "topics.attempts",
            "retry.schedule",
            "delivery.allowed-networks",
            "commit.interval",
            "shutdown.timeout",
            "breaker.minimum-calls",
            "breaker.sliding-window-size",
            "breaker.wait-in-open",
            "kafka.consumer.session.timeout.ms",
            "kafka.consumer.heartbeat.interval.ms")) {
      command.add("--set");
      command.add(key + "=" + fanout.config().raw().get(key));
    }
    command.addAll(
        List.of(
            "--set",
            "management.port=" + port,
            "--set",
            "management.bind-address=127.0.0.1",
            "--set",
            "log.format=text",
            "worker"));
    return command;
  }

  private static int status(HttpClient http, int port, String path) {
    try {
      return http.send(request(port, path), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private static String body(HttpClient http, int port) throws Exception {
    return http.send(request(port, "/metrics"), HttpResponse.BodyHandlers.ofString()).body();
  }

  private static HttpRequest request(int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build();
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
