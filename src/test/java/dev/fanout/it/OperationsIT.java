package dev.fanout.it;

import static dev.fanout.testing.FanoutHarness.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fanout.app.FanoutWorker;
import dev.fanout.testing.FanoutHarness;
import dev.fanout.testing.TestReceiver;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The management port of a running worker: what /metrics and /health say. */
class OperationsIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private TestReceiver receiver;
  private FanoutHarness fanout;

  @BeforeEach
  void start() throws Exception {
    receiver = new TestReceiver();
    fanout =
        new FanoutHarness(
            Map.of(
                "management.port", "0",
                "management.bind-address", "127.0.0.1",
                // A request held by the receiver keeps the worker draining at shutdown.
                "delivery.request-timeout", "60s",
                "shutdown.timeout", "60s"));
  }

  @AfterEach
  void stop() throws Exception {
    fanout.close();
    receiver.close();
  }

  @Test
  void metricsOfARunningWorkerPassPromtool() throws Exception {
    String promtool = onPath("promtool");
    assumeTrue(promtool != null, "promtool is not on the PATH: `apt-get install prometheus`");
    fanout.addWebhook(receiver.url("/ok"), "*", "whsec-scrape-test-7781");
    fanout.addWebhook(receiver.url("/fail"), "job.failed", null);
    receiver.answer("/fail", 500);
    FanoutWorker worker = fanout.startWorker();
    fanout.produceEvent(fanout.jobsTopic(), event("evt_1", "job.failed"));
    fanout.produceEvent(fanout.jobsTopic(), event("evt_2", "custom.type"));
    await().atMost(WAIT).until(() -> receiver.deliveredEventIds("/ok").size() == 2);
    await().atMost(WAIT).until(() -> receiver.requests("/fail").size() >= 2);

    HttpResponse<String> scrape = get(worker, "/metrics");
    assertThat(scrape.statusCode()).isEqualTo(200);
    String text = scrape.body();
    assertThat(text)
        .contains("fanout_deliveries_total{event_type=\"job.failed\",outcome=\"delivered\"} 1.0")
        .contains("fanout_deliveries_total{event_type=\"other\",outcome=\"delivered\"} 1.0")
        .contains("fanout_delivery_duration_seconds_bucket")
        .contains("fanout_retries_scheduled_total{tier=")
        .contains("fanout_circuit_breakers{state=\"open\"}")
        .contains("kafka_consumer_fetch_manager_records_lag_max")
        .contains("jvm_memory_used_bytes")
        .doesNotContain("127.0.0.1")
        .doesNotContain("whsec-scrape-test-7781");

    // Fanout's own meters pass promtool with no finding at all.
    String own =
        text.lines()
                .filter(l -> l.startsWith("fanout_") || l.matches("# (HELP|TYPE) fanout_.*"))
                .collect(Collectors.joining("\n"))
            + "\n";
    Promtool ownCheck = promtool(promtool, own);
    assertThat(ownCheck.exitCode()).as("promtool on fanout_*:%n%s", ownCheck.output()).isZero();
    assertThat(own).contains("# HELP fanout_deliveries_total ");

    // And so does the whole scrape: the Kafka clients' and Micrometer's binders' meters too.
    Promtool whole = promtool(promtool, text);
    assertThat(whole.exitCode()).as("promtool on the scrape:%n%s", whole.output()).isZero();
    assertThat(text).contains("kafka_consumer_fetch_manager_records_lag_max");
  }

  private record Promtool(int exitCode, String output) {}

  private static Promtool promtool(String promtool, String exposition) throws Exception {
    Path file = Files.createTempFile("fanout-metrics", ".txt");
    try {
      Files.writeString(file, exposition, StandardCharsets.UTF_8);
      Process check =
          new ProcessBuilder(promtool, "check", "metrics")
              .redirectInput(file.toFile())
              .redirectErrorStream(true)
              .start();
      String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
      return new Promtool(check.exitValue(), output);
    } finally {
      Files.delete(file);
    }
  }

  @Test
  void isLiveButNotReadyOnceShutdownBegins() throws Exception {
    CountDownLatch arrived = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    receiver.answer(
        "/held",
        r -> {
          arrived.countDown();
          try {
            release.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return TestReceiver.Reply.status(200);
        });
    fanout.addWebhook(receiver.url("/held"), "*", null);
    FanoutWorker worker = fanout.startWorker();
    await().atMost(WAIT).until(() -> get(worker, "/health/ready").statusCode() == 200);
    fanout.produceEvent(fanout.jobsTopic(), event("evt_held", "job.failed"));
    assertThat(arrived.await(60, TimeUnit.SECONDS)).isTrue();

    Thread closing =
        new Thread(
            () -> {
              try {
                worker.close();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    closing.start();
    try {
      // The delivery is held, so the worker drains for up to shutdown.timeout (60 s); before the
      // change it stayed ready all that time, as it still owned its partitions.
      await().atMost(Duration.ofSeconds(30)).until(() -> !worker.ready());
      assertThat(get(worker, "/health/ready").statusCode()).isEqualTo(503);
      assertThat(get(worker, "/health/live").statusCode()).isEqualTo(200);
      assertThat(closing.isAlive()).isTrue();
    } finally {
      release.countDown();
      closing.join(TimeUnit.SECONDS.toMillis(90));
    }
    assertThat(receiver.deliveredEventIds("/held")).containsExactly("evt_held");
  }

  private HttpResponse<String> get(FanoutWorker worker, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.managementPort() + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File candidate = new File(dir, program);
      if (candidate.canExecute()) {
        return candidate.getPath();
      }
    }
    return null;
  }
}
