package dev.fanout.testing;

import dev.fanout.kafka.EmbeddedKafka;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The one real Kafka broker of a test run, started on first use and stopped when the JVM exits.
 * With a Docker engine it is Testcontainers' Apache Kafka container; without one (as on CI here) it
 * is the same single-node KRaft broker {@code fanout demo} runs, in this JVM. Never a mock.
 */
public final class TestKafka {
  private static String bootstrapServers;

  private TestKafka() {}

  public static synchronized String bootstrapServers() {
    if (bootstrapServers == null) {
      boolean docker = DockerClientFactory.instance().isDockerAvailable();
      bootstrapServers = docker ? container() : embedded();
      System.err.printf(
          "Integration tests use %s at %s%n",
          docker
              ? "a Testcontainers Apache Kafka container"
              : "an embedded single-node KRaft broker",
          bootstrapServers);
    }
    return bootstrapServers;
  }

  private static String container() {
    KafkaContainer kafka = new KafkaContainer(DockerImageName.parse("apache/kafka:4.1.0"));
    kafka.start();
    Runtime.getRuntime().addShutdownHook(new Thread(kafka::stop));
    return kafka.getBootstrapServers();
  }

  private static String embedded() {
    EmbeddedKafka kafka = EmbeddedKafka.start();
    Runtime.getRuntime().addShutdownHook(new Thread(kafka::close));
    return kafka.bootstrapServers();
  }
}
