package dev.fanout.it;

import static dev.fanout.testing.FanoutHarness.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.config.FanoutConfig;
import dev.fanout.kafka.KafkaClients;
import dev.fanout.signing.SecretCipher;
import dev.fanout.testing.FanoutHarness;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar as operators run it: {@code java -jar target/fanout.jar worker}, its management
 * port, and SIGTERM, which must drain, commit and exit within a bounded time.
 */
class WorkerProcessIT {
  private static final Duration WAIT = Duration.ofSeconds(90);

  private TestReceiver receiver;
  private FanoutHarness fanout;
  private Process process;

  @BeforeEach
  void start() throws Exception {
    receiver = new TestReceiver();
    fanout = new FanoutHarness();
  }

  @AfterEach
  void stop() throws Exception {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
    fanout.close();
    receiver.close();
  }

  @Test
  void servesMetricsAndHealthAndCommitsEverythingOnSigterm() throws Exception {
    fanout.addWebhook(receiver.url("/hook"), "*", "test-secret-0123456789");
    int port = freePort();
    Path log = Files.createTempFile("fanout-worker", ".log");
    process =
        keyed(command(fanout.config(), port))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();

    HttpClient http = HttpClient.newHttpClient();
    await().atMost(WAIT).until(() -> status(http, port, "/health/ready") == 200);
    assertThat(status(http, port, "/health/live")).isEqualTo(200);
    for (int i = 0; i < 10; i++) {
      fanout.produceEvent(fanout.jobsTopic(), event("evt_" + i, "job.succeeded"));
    }
    await().atMost(WAIT).until(() -> receiver.requests("/hook").size() >= 10);
    String metrics = body(http, port, "/metrics");
    assertThat(metrics)
        .contains(
            "fanout_deliveries_total{event_type=\"job.succeeded\",outcome=\"delivered\"} 10.0")
        .contains("fanout_delivery_duration_seconds_bucket")
        .contains("fanout_inflight_deliveries")
        .contains("fanout_subscriptions 1.0")
        .contains("kafka_consumer")
        .contains("jvm_memory_used_bytes");

    process.destroy(); // SIGTERM
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exits after SIGTERM").isTrue();
    assertThat(Files.readString(log)).contains("worker stopped");
    try (Admin admin = new KafkaClients(fanout.config().kafka(), "check").admin("offsets")) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(fanout.config().kafka().groupId())
              .partitionsToOffsetAndMetadata()
              .get();
      long total = committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
      assertThat(total).isEqualTo(10);
    }
  }

  @Test
  void losesNothingWhenAWorkerIsKilledMidway() throws Exception {
    receiver.answer(
        "/slow",
        r -> {
          try {
            Thread.sleep(30);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return TestReceiver.Reply.status(200);
        });
    fanout.addWebhook(receiver.url("/slow"), "*", "test-secret-0123456789");
    for (int i = 0; i < 60; i++) {
      fanout.produceEvent(fanout.jobsTopic(), event("evt_" + i, "job.failed"));
    }
    List<String> command = command(fanout.config(), freePort());
    command.addAll(command.size() - 1, List.of("--set", "delivery.max-in-flight=4"));
    process =
        keyed(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    await().atMost(WAIT).until(() -> receiver.requests("/slow").size() >= 10);
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no drain, no final commit
    // The receiver records a request once it has answered it: let those the killed worker sent
    // finish arriving before counting them.
    int beforeKill = settledCount("/slow");
    assertThat(beforeKill).as("killed part-way").isLessThan(60);
    long committed = committedOffsets();

    process =
        keyed(command(fanout.config(), freePort()))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    java.util.Set<String> expected = new java.util.TreeSet<>();
    for (int i = 0; i < 60; i++) {
      expected.add("evt_" + i);
    }
    await().atMost(WAIT).until(() -> eventIds().containsAll(expected));
    int duplicates = receiver.requests("/slow").size() - 60;
    // One task per record: what the killed worker sent beyond its last commit is sent again, and
    // nothing else is.
    assertThat(duplicates)
        .as("%d sent before the kill, %d committed", beforeKill, committed)
        .isLessThanOrEqualTo((int) (beforeKill - committed));
  }

  /** The count of requests on a path once it has not changed for half a second. */
  private int settledCount(String path) {
    int[] last = {-1};
    long[] since = {System.nanoTime()};
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              int now = receiver.requests(path).size();
              if (now != last[0]) {
                last[0] = now;
                since[0] = System.nanoTime();
              }
              return System.nanoTime() - since[0] > Duration.ofMillis(500).toNanos();
            });
    return last[0];
  }

  private long committedOffsets() throws Exception {
    try (Admin admin = new KafkaClients(fanout.config().kafka(), "check").admin("offsets")) {
      return admin
          .listConsumerGroupOffsets(fanout.config().kafka().groupId())
          .partitionsToOffsetAndMetadata()
          .get()
          .values()
          .stream()
          .mapToLong(OffsetAndMetadata::offset)
          .sum();
    }
  }

  private java.util.Set<String> eventIds() {
    java.util.Set<String> ids = new java.util.TreeSet<>();
    for (TestReceiver.Request r : receiver.requests("/slow")) {
      ids.add(
          new String(r.body(), java.nio.charset.StandardCharsets.UTF_8)
              .replaceAll(".*\"id\":\"([^\"]+)\".*", "$1"));
    }
    return ids;
  }

  private static List<String> command(FanoutConfig config, int port) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx256m",
                "-jar",
                jar(),
                "--bootstrap-servers",
                config.kafka().bootstrapServers()));
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
            "kafka.consumer.session.timeout.ms",
            "kafka.consumer.heartbeat.interval.ms")) {
      command.add("--set");
      command.add(key + "=" + config.raw().get(key));
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

  private static String jar() {
    File jar = new File("target/fanout.jar");
    assertThat(jar).as("the packaged jar (mvn package runs before the integration tests)").exists();
    return jar.getAbsolutePath();
  }

  private static int status(HttpClient http, int port, String path) {
    try {
      return http.send(request(port, path), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private static String body(HttpClient http, int port, String path) throws Exception {
    return http.send(request(port, path), HttpResponse.BodyHandlers.ofString()).body();
  }

  private static HttpRequest request(int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build();
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** A child worker holds the key the harness encrypted the webhooks' secrets with. */
  private ProcessBuilder keyed(List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put(SecretCipher.KEYS_VARIABLE, fanout.secretKeys());
    return builder;
  }
}
