package dev.fanout.fault;

import dev.fanout.kafka.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A single-node Apache Kafka broker (KRaft, broker and controller in one node) in its own process:
 * {@code java -cp <this JVM's classpath> kafka.Kafka server.properties}, after formatting its
 * storage. It can be stopped and started again on the same data directory and the same ports, so a
 * test can take the broker away from running workers and give it back.
 */
final class BrokerProcess implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

  private final Path dir;
  private final Path config;
  private final int port;
  private Process process;
  private int starts;

  private BrokerProcess(Path dir, Path config, int port) {
    this.dir = dir;
    this.config = config;
    this.port = port;
  }

  /** Formats a new data directory under {@code parent} and starts the broker on it. */
  static BrokerProcess start(Path parent) throws Exception {
    Path dir = Files.createDirectories(parent.resolve("broker"));
    int port = EmbeddedKafka.freePort();
    int controllerPort = EmbeddedKafka.freePort();
    Path config =
        EmbeddedKafka.writeConfig(
            dir, EmbeddedKafka.brokerProperties(dir.resolve("logs"), port, controllerPort));
    EmbeddedKafka.format(config);
    BrokerProcess broker = new BrokerProcess(dir, config, port);
    broker.startAgain();
    return broker;
  }

  String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** Starts the broker process on the existing data directory and waits until it answers. */
  synchronized void startAgain() throws Exception {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("the broker is already running");
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path log = dir.resolve("broker-" + (++starts) + ".log");
    process =
        ChildProcesses.track(
            new ProcessBuilder(
                    List.of(
                        java,
                        "-Xms128m",
                        "-Xmx512m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "kafka.Kafka",
                        config.toString()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start());
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (!answers()) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the broker exited at start-up; see " + log);
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("the broker did not answer in " + START_TIMEOUT);
      }
    }
  }

  /** SIGTERM: a controlled shutdown, as an operator stops a broker. Waits for the exit. */
  synchronized void stop() throws InterruptedException {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private boolean answers() {
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000))) {
      return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
    } catch (Exception e) {
      return false;
    }
  }

  @Override
  public synchronized void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }
}
