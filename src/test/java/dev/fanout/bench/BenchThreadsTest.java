package dev.fanout.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Thread names as a benchmark run shows them with --show-threads. */
class BenchThreadsTest {
  private static final String GROUP = "bench-3f2a91c0";

  @ParameterizedTest
  @ValueSource(
      strings = {
        "fanout-events",
        "fanout-retries",
        "fanout-engine",
        "fanout-http-submit",
        "fanout-http-deadlines",
        "fanout-kafka-send",
        "fanout-subscriptions",
        "httpclient-main-1",
        "httpclient-dispatch-2",
        "kafka-producer-network-thread | fanout-worker",
        "kafka-coordinator-heartbeat-thread | bench-3f2a91c0",
        "kafka-coordinator-heartbeat-thread | bench-3f2a91c0-retries",
        "consumer_background_thread",
        "micrometer-kafka-metrics"
      })
  void countsTheWorkersThreads(String name) {
    assertThat(BenchThreads.worker(name, GROUP)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "kafka-producer-network-thread | bench-events",
        "kafka-coordinator-heartbeat-thread | bench-77aa0000",
        "bench-receiver-2-1",
        "bench-raw-client",
        "bench-cpu-sampler",
        "data-plane-kafka-request-handler-3",
        "data-plane-kafka-network-thread-1-PLAINTEXT-PLAINTEXT-0",
        "kafka-1-raft-io-thread",
        "group-coordinator-event-processor-0",
        "main",
        "GC Thread#0",
        "C2 CompilerThread0"
      })
  void leavesOutTheBrokerTheReceiversTheProducerAndTheJvm(String name) {
    assertThat(BenchThreads.worker(name, GROUP)).isFalse();
  }

  @Test
  void everyWorkerThreadButTheKafkaSenderCanBeLeftOverFromAnEarlierWorker() {
    assertThat(BenchThreads.leftOver("micrometer-kafka-metrics", GROUP)).isTrue();
    assertThat(BenchThreads.leftOver("httpclient-dispatch-1", GROUP)).isTrue();
    assertThat(BenchThreads.leftOver("bench-receiver-2-1", GROUP)).isFalse();
  }

  @Test
  void rawClientIsItsLoopAndItsSender() {
    assertThat(BenchThreads.rawClient("bench-raw-client")).isTrue();
    assertThat(BenchThreads.rawClient("fanout-http-submit")).isTrue();
    assertThat(BenchThreads.rawClient("httpclient-dispatch-1")).isTrue();
    assertThat(BenchThreads.rawClient("fanout-events")).isFalse();
    assertThat(BenchThreads.rawClient("bench-receiver-2-1")).isFalse();
  }
}
