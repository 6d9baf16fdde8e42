package dev.fanout.bench;

/**
 * Which threads of this JVM belong to the worker, and which to the raw client, told by name. The
 * broker, the receivers and the producer run in the same JVM; none of their threads match.
 *
 * <p>The worker's threads, as seen at run time (print them with {@code --show-threads}):
 *
 * <ul>
 *   <li>{@code fanout-*}: every thread Fanout names (events, retries, engine, http-deadlines,
 *       http-lookup, kafka-send, subscriptions, and any the engine adds). The benchmark names its
 *       own threads {@code bench-*}, and the embedded broker names none {@code fanout-}.
 *   <li>{@code httpclient-*}: Apache HttpClient's I/O reactor ({@code httpclient-main-1}, {@code
 *       httpclient-dispatch-N}).
 *   <li>{@code kafka-producer-network-thread | fanout-*}: the worker's Kafka clients have client
 *       ids {@code fanout-<role>}; the benchmark's have {@code bench-*}.
 *   <li>{@code kafka-coordinator-heartbeat-thread | <group>} and {@code | <group>-*}: the worker's
 *       consumer groups; the benchmark's own consumers have no group.
 *   <li>{@code consumer_background_thread}: Kafka's consumer on the new group protocol, whose
 *       thread name carries no client id; only the worker's consumers run during a measured phase.
 *   <li>{@code micrometer-kafka-metrics}: the scheduler of the worker's Kafka client meters.
 * </ul>
 *
 * A phase counts only threads that were not alive before its client was built, so a thread an
 * earlier worker left running would not be counted as this one's.
 *
 * <p>The raw client's threads are the loop that builds, signs and hands over each request ({@value
 * #RAW_LOOP}) and its sender's: {@code fanout-http-*} and {@code httpclient-*}. Those sender names
 * are the same in the worker and the raw client, so the raw client runs while no worker does.
 *
 * <p>GC and JIT compiler threads serve everyone in the JVM and are counted for neither.
 */
final class BenchThreads {
  static final String RAW_LOOP = "bench-raw-client";

  private BenchThreads() {}

  /** A thread of a worker whose consumer group is {@code group}. */
  static boolean worker(String name, String group) {
    return name.startsWith("fanout-")
        || name.startsWith("httpclient-")
        || name.startsWith("kafka-producer-network-thread | fanout-")
        || name.equals("kafka-coordinator-heartbeat-thread | " + group)
        || name.startsWith("kafka-coordinator-heartbeat-thread | " + group + "-")
        || name.equals("consumer_background_thread")
        || name.equals("micrometer-kafka-metrics");
  }

  /** A worker's thread that an earlier one may have left running. */
  static boolean leftOver(String name, String group) {
    return worker(name, group);
  }

  /** A thread of the raw client: its loop, or its sender. */
  static boolean rawClient(String name) {
    return name.equals(RAW_LOOP) || sender(name);
  }

  /** A thread of an {@code ApacheHttpWebhookSender}, whoever owns it. */
  static boolean sender(String name) {
    return name.startsWith("fanout-http-") || name.startsWith("httpclient-");
  }
}
