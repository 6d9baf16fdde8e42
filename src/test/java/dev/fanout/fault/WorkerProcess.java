package dev.fanout.fault;

import dev.fanout.kafka.EmbeddedKafka;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Fanout worker as operators run it: {@code java -jar target/fanout.jar worker} with the run's
 * settings, its own management port on 127.0.0.1 and its log in a file. It can be asked to stop
 * (SIGTERM: drain and commit) or be killed (SIGKILL: nothing more happens in it).
 */
final class WorkerProcess implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final int managementPort;
  private final Path log;
  private final Process process;

  private WorkerProcess(String name, int managementPort, Path log, Process process) {
    this.name = name;
    this.managementPort = managementPort;
    this.log = log;
    this.process = process;
  }

  /**
   * Starts {@code java -jar target/fanout.jar worker} with every setting as {@code --set}, and
   * {@code environment} (the secret keys) added to its environment.
   */
  static WorkerProcess start(
      String name, Map<String, String> settings, Map<String, String> environment, Path logDir)
      throws Exception {
    int port = EmbeddedKafka.freePort();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-jar", jar()));
    settings.forEach(
        (key, value) -> {
          command.add("--set");
          command.add(key + "=" + value);
        });
    command.addAll(
        List.of(
            "--set",
            "management.port=" + port,
            "--set",
            "management.bind-address=127.0.0.1",
            "worker"));
    Path log = logDir.resolve(name + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(environment);
    Process process = ChildProcesses.track(builder.start());
    return new WorkerProcess(name, port, log, process);
  }

  String name() {
    return name;
  }

  Path log() {
    return log;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** The exit code, or empty while the process runs. */
  OptionalDouble exitCode() {
    return process.isAlive() ? OptionalDouble.empty() : OptionalDouble.of(process.exitValue());
  }

  /** Waits until {@code /health/ready} answers 200: the table is read and partitions are owned. */
  void awaitReady(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (status("/health/ready") != 200) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited before it was ready; see " + log);
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(name + " was not ready within " + timeout + "; see " + log);
      }
      pause(Duration.ofMillis(200));
    }
  }

  /**
   * The sum of a meter's samples in {@code /metrics} (all tag combinations), or empty when the
   * worker does not answer or does not have the meter.
   */
  OptionalDouble metric(String meter) {
    String text = body("/metrics");
    if (text == null) {
      return OptionalDouble.empty();
    }
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(meter) + "(\\{[^}]*\\})? (\\S+)$").matcher(text);
    double sum = 0;
    boolean found = false;
    while (m.find()) {
      sum += Double.parseDouble(m.group(2));
      found = true;
    }
    return found ? OptionalDouble.of(sum) : OptionalDouble.empty();
  }

  /** SIGTERM, then waits up to {@code timeout} for the exit; true when it exited in time. */
  boolean terminate(Duration timeout) throws InterruptedException {
    signalTerm();
    return awaitExit(timeout);
  }

  /** SIGTERM: the worker stops consuming, drains, commits and exits. Returns at once. */
  void signalTerm() {
    process.destroy();
  }

  boolean awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** SIGKILL: no drain, no final commit. Returns once the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }

  private int status(String path) {
    try {
      return HTTP.send(request(path), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private String body(String path) {
    try {
      HttpResponse<String> r = HTTP.send(request(path), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : null;
    } catch (Exception e) {
      return null;
    }
  }

  private HttpRequest request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
        .timeout(Duration.ofSeconds(5))
        .build();
  }

  /** A fixed pause between polls of a worker that is still starting. */
  static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static String jar() {
    File jar = new File("target/fanout.jar");
    if (!jar.exists()) {
      throw new IllegalStateException("target/fanout.jar is missing: run mvn package first");
    }
    return jar.getAbsolutePath();
  }
}
