package dev.fanout.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The production jar, {@code target/fanout-worker.jar}, as the container image runs it: no Kafka
 * broker, no Scala, no Netty, no HdrHistogram; the commands that need them say so in one line.
 */
class WorkerJarIT {
  /** Class entries of the broker and the bench tools, by path prefix inside the jar. */
  private static final List<String> LEFT_OUT =
      List.of(
          "kafka/",
          "scala/",
          "org/apache/kafka/raft/",
          "org/apache/kafka/metadata/",
          "org/apache/kafka/image/",
          "org/apache/kafka/controller/",
          "org/apache/kafka/storage/",
          "org/apache/kafka/coordinator/",
          "org/apache/kafka/server/config/",
          "org/apache/kafka/server/common/",
          "org/apache/kafka/server/log/",
          "io/netty/",
          "org/HdrHistogram/");

  @Test
  void holdsNoBrokerNettyOrHdrHistogramClasses() throws Exception {
    assertThat(classesUnder(jar("fanout-worker.jar"))).isEmpty();
    // The same check finds them in the full jar, so it would find them if they crept back in.
    assertThat(classesUnder(jar("fanout.jar")))
        .anyMatch(name -> name.startsWith("kafka/server/"))
        .anyMatch(name -> name.startsWith("io/netty/"))
        .anyMatch(name -> name.startsWith("org/HdrHistogram/"));
  }

  @Test
  void holdsTheWorker() throws Exception {
    try (JarFile jar = new JarFile(jar("fanout-worker.jar"))) {
      assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
          .isEqualTo("dev.fanout.cli.FanoutCommand");
      assertThat(jar.getEntry("dev/fanout/app/FanoutWorker.class")).isNotNull();
      assertThat(jar.getEntry("org/apache/kafka/clients/consumer/KafkaConsumer.class")).isNotNull();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"demo", "bench", "worker --embedded-kafka"})
  void refusesToolCommandsInOneLine(String command) throws Exception {
    List<String> argv = new ArrayList<>(List.of(java(), "-jar", jar("fanout-worker.jar")));
    Collections.addAll(argv, command.split(" "));
    Path log = Files.createTempFile("fanout-worker-jar", ".log");
    Process process =
        new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exits at once").isTrue();
    } finally {
      process.destroyForcibly();
    }
    String output = Files.readString(log);

    assertThat(process.exitValue()).isEqualTo(1);
    assertThat(output.strip())
        .startsWith("fanout: '" + command + "' needs")
        .contains("run it with target/fanout.jar")
        .doesNotContain("NoClassDefFoundError")
        .doesNotContain("\n");
  }

  private static List<String> classesUnder(String path) throws Exception {
    try (JarFile jar = new JarFile(path)) {
      return jar.stream()
          .map(ZipEntry::getName)
          .filter(name -> name.endsWith(".class"))
          .map(name -> name.startsWith("META-INF/versions/") ? withoutVersion(name) : name)
          .filter(name -> LEFT_OUT.stream().anyMatch(name::startsWith))
          .toList();
    }
  }

  private static String withoutVersion(String name) {
    String rest = name.substring("META-INF/versions/".length());
    return rest.substring(rest.indexOf('/') + 1);
  }

  static String jar(String name) {
    File jar = new File("target", name);
    assertThat(jar).as("%s (mvn package runs before the integration tests)", jar).exists();
    return jar.getAbsolutePath();
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
