package dev.fanout.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server on 127.0.0.1 scraping one target every second as job {@code fanout},
 * when the {@code prometheus} binary is installed (Debian package "prometheus"). Data lives in a
 * temporary directory; {@link #close} stops the process and deletes it.
 */
public final class LocalPrometheus implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  private LocalPrometheus(Process process, int port, Path dir) {
    this.process = process;
    this.port = port;
    this.dir = dir;
  }

  /** A server scraping {@code 127.0.0.1:targetPort}, or empty without the binary. */
  public static Optional<LocalPrometheus> scraping(int targetPort) throws IOException {
    Optional<Path> binary = binary();
    if (binary.isEmpty()) {
      return Optional.empty();
    }
    Path dir = Files.createTempDirectory("fanout-prometheus");
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(
        config,
        "global:\n"
            + "  scrape_interval: 1s\n"
            + "  evaluation_interval: 1s\n"
            + "scrape_configs:\n"
            + "  - job_name: fanout\n"
            + "    static_configs:\n"
            + "      - targets: ['127.0.0.1:"
            + targetPort
            + "']\n");
    int port = freePort();
    Process process =
        new ProcessBuilder(
                binary.get().toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    return Optional.of(new LocalPrometheus(process, port, dir));
  }

  /**
   * Evaluates an instant query; returns the JSON {@code data} of a successful answer, or throws
   * with Prometheus' error (a parse error, an unknown function).
   */
  public JsonNode query(String promql) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + port
                            + "/api/v1/query?query="
                            + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode answer = json.readTree(response.body());
    if (!"success".equals(answer.path("status").asText())) {
      throw new IllegalArgumentException(promql + ": " + answer.path("error").asText());
    }
    return answer.path("data");
  }

  /** The number of samples scraped from the target so far (0 while none). */
  public long samplesScraped() {
    try {
      JsonNode result = query("count_over_time(up{job=\"fanout\"}[5m])").path("result");
      return result.isEmpty() ? 0 : (long) result.get(0).path("value").get(1).asDouble();
    } catch (Exception e) {
      return 0;
    }
  }

  public Path log() {
    return dir.resolve("prometheus.log");
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is harmless
    }
  }

  private static Optional<Path> binary() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, "prometheus");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
