package dev.fanout.fault;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

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
    int port = freePort();
    int controllerPort = freePort();
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", "1");
    props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    props.put(
        "listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("controller.listener.names", "CONTROLLER");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("log.dirs", dir.resolve("logs").toString());
    props.put("num.partitions", "1");
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "4");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    props.put("group.initial.rebalance.delay.ms", "0");
    props.put("log.cleaner.dedupe.buffer.size", String.valueOf(4 * 1024 * 1024));
    props.put("log.cleaner.threads", "1");
    props.put("auto.create.topics.enable", "false");
    props.put("log.segment.bytes", String.valueOf(16 * 1024 * 1024));
    Path config = dir.resolve("server.properties");
    try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
      props.store(w, "fault harness broker");
    }
    format(config);
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

  private static void format(Path config) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code;
    try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      code =
          StorageTool.execute(
              new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()},
              print);
    }
    if (code != 0) {
      throw new IllegalStateException(
          "formatting the broker's storage failed: " + out.toString(StandardCharsets.UTF_8));
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
