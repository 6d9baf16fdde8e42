package dev.fanout.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node Apache Kafka broker (KRaft, broker and controller in one process) running inside
 * this JVM, for {@code fanout demo}, {@code worker --embedded-kafka} and the integration tests. It
 * is the real broker from the Kafka distribution, not a fake: formatted storage, a listener on
 * 127.0.0.1, topics that behave as in production (compaction included).
 *
 * <p>Sized for a laptop: one partition log cleaner thread with a small dedupe buffer, replication
 * factor 1 everywhere.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private final Path dataDir;
  private final boolean deleteOnClose;
  private final int brokerPort;
  private final KafkaRaftServer server;
  private boolean closed;

  private EmbeddedKafka(
      Path dataDir, boolean deleteOnClose, int brokerPort, KafkaRaftServer server) {
    this.dataDir = dataDir;
    this.deleteOnClose = deleteOnClose;
    this.brokerPort = brokerPort;
    this.server = server;
  }

  /** Starts a broker with its data in a new temporary directory, removed on close. */
  public static EmbeddedKafka start() {
    try {
      return start(Files.createTempDirectory("fanout-kafka-"), true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts a broker on {@code dataDir}. Existing data is kept when the directory was formatted
   * before, so a demo broker can be restarted with its topics.
   */
  public static EmbeddedKafka start(Path dataDir, boolean deleteOnClose) {
    try {
      Files.createDirectories(dataDir);
      Path logDir = dataDir.resolve("logs");
      int brokerPort = freePort();
      int controllerPort = freePort();
      Properties props = brokerProperties(logDir, brokerPort, controllerPort);
      Path configFile = writeConfig(dataDir, props);
      if (!Files.exists(logDir.resolve("meta.properties"))) {
        format(configFile);
      }
      KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props), Time.SYSTEM);
      server.startup();
      return new EmbeddedKafka(dataDir, deleteOnClose, brokerPort, server);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The configuration of a single-node KRaft broker on 127.0.0.1 with small internal topics, no
   * automatic topic creation and small segments: the demo's, the tests' and the fault harness's.
   */
  public static Properties brokerProperties(Path logDir, int brokerPort, int controllerPort) {
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", "1");
    props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    props.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("controller.listener.names", "CONTROLLER");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("log.dirs", logDir.toString());
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
    return props;
  }

  /** Writes {@code server.properties} into {@code dataDir} and returns its path. */
  public static Path writeConfig(Path dataDir, Properties props) throws IOException {
    Path configFile = dataDir.resolve("server.properties");
    try (Writer w = Files.newBufferedWriter(configFile, StandardCharsets.UTF_8)) {
      props.store(w, "Fanout broker");
    }
    return configFile;
  }

  /** Formats the storage named in a broker configuration file, unless it was formatted before. */
  public static void format(Path configFile) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code;
    try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      code =
          StorageTool.execute(
              new String[] {
                "format",
                "-t",
                Uuid.randomUuid().toString(),
                "-c",
                configFile.toString(),
                "--ignore-formatted"
              },
              print);
    }
    if (code != 0) {
      throw new IllegalStateException(
          "formatting the embedded broker's storage failed: "
              + out.toString(StandardCharsets.UTF_8));
    }
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + brokerPort;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.shutdown();
    server.awaitShutdown();
    if (deleteOnClose) {
      deleteRecursively(dataDir);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Best effort: a leftover temp directory is harmless.
    }
  }

  /** A port free on 127.0.0.1 at the moment of the call. */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }
}
