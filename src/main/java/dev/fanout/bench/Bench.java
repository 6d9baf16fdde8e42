package dev.fanout.bench;

import dev.fanout.app.FanoutWorker;
import dev.fanout.config.FanoutConfig;
import dev.fanout.delivery.DeliveryTask;
import dev.fanout.delivery.WebhookRequests;
import dev.fanout.delivery.WebhookSender;
import dev.fanout.delivery.http.ApacheHttpWebhookSender;
import dev.fanout.event.Event;
import dev.fanout.event.EventParser;
import dev.fanout.event.Origin;
import dev.fanout.kafka.KafkaClients;
import dev.fanout.kafka.RecordSender;
import dev.fanout.kafka.TopicAdmin;
import dev.fanout.signing.SecretCipher;
import dev.fanout.signing.SigningSecret;
import dev.fanout.subscription.Subscription;
import dev.fanout.subscription.SubscriptionCodec;
import dev.fanout.subscription.kafka.KafkaSubscriptionWriter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.ConcurrentHistogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code fanout bench}: the worker end to end against Netty receivers on 127.0.0.1, and in the same
 * run the bare HTTP client posting the same signed bodies to the same receivers, so the two rates
 * can be compared as a ratio that means the same on any machine.
 *
 * <pre>
 *   1. raw client    N signed POSTs, max-in-flight at a time, no Kafka             → requests/s
 *   2. throughput    E events already in Kafka, each to F webhooks, worker started → deliveries/s
 *   3. latency       events produced at half the measured rate for a few seconds  → p50/p99/max
 * </pre>
 *
 * Rates and latencies count healthy receivers only; black-holed and failing ones show isolation.
 */
public final class Bench {
  private static final String SPACE = "bench";

  /** What to run. */
  public record Options(
      int events,
      int fanout,
      int receivers,
      Duration receiverLatency,
      int blackHoles,
      int failing,
      int bodyBytes,
      Duration latencyPhase,
      int rawRequests) {}

  private Bench() {}

  public static void run(FanoutConfig base, Options o, PrintWriter out) throws Exception {
    if (o.blackHoles() + o.failing() >= o.receivers()) {
      throw new IllegalArgumentException("at least one receiver must be healthy");
    }
    String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    FanoutConfig config = base.with(benchSettings(prefix));
    ConcurrentHistogram latency = new ConcurrentHistogram(TimeUnit.HOURS.toMicros(1), 3);
    EventLoopGroup loop = new NioEventLoopGroup(2);
    List<BenchReceiver> receivers = new ArrayList<>();
    try {
      for (int i = 0; i < o.receivers(); i++) {
        BenchReceiver.Behaviour behaviour =
            i < o.blackHoles()
                ? BenchReceiver.Behaviour.BLACK_HOLE
                : i < o.blackHoles() + o.failing()
                    ? BenchReceiver.Behaviour.FAILING
                    : BenchReceiver.Behaviour.HEALTHY;
        receivers.add(new BenchReceiver(loop, behaviour, o.receiverLatency().toMillis(), latency));
      }
      out.printf(
          "fanout bench  events=%d fanout=%d receivers=%d latency=%dms black-hole=%d failing=%d"
              + " body=%dB max-in-flight=%d%n",
          o.events(),
          o.fanout(),
          o.receivers(),
          o.receiverLatency().toMillis(),
          o.blackHoles(),
          o.failing(),
          o.bodyBytes(),
          config.delivery().maxInFlight());
      out.flush();

      List<Subscription> webhooks = webhooks(config, receivers, o.fanout());
      int healthyWebhooks = 0;
      for (int j = 0; j < o.fanout(); j++) {
        if (j % o.receivers() >= o.blackHoles() + o.failing()) {
          healthyWebhooks++;
        }
      }

      double rawRate = rawClient(config, webhooks, healthyWebhooks, o, receivers);
      out.printf(
          "raw http client      %8.0f requests/s   (%d requests)%n", rawRate, o.rawRequests());
      out.flush();

      resetPeaks();
      long acceptedBefore = accepted(receivers);
      try (Admin admin = new KafkaClients(config.kafka(), prefix).admin("bench")) {
        TopicAdmin.createAll(admin, config);
      }
      register(config, webhooks);
      String topic = config.topics().events().get(0);
      try (KafkaProducer<byte[], byte[]> producer = producer(config, prefix)) {
        for (int i = 0; i < o.events(); i++) {
          producer.send(new ProducerRecord<>(topic, null, body(i, o.bodyBytes())));
        }
        producer.flush();

        long expected = (long) o.events() * healthyWebhooks;
        try (FanoutWorker worker =
            FanoutWorker.start(config, SecretCipher.none(), Clock.systemUTC())) {
          while (!worker.ready()) {
            Thread.sleep(10);
          }
          long start = System.nanoTime();
          awaitAccepted(receivers, acceptedBefore + expected, Duration.ofMinutes(30));
          double seconds = (System.nanoTime() - start) / 1e9;
          double rate = expected / seconds;
          out.printf(
              "fanout pipeline      %8.0f deliveries/s (%d deliveries to healthy receivers, %.1f s)%n",
              rate, expected, seconds);
          out.printf("ratio                %8.2f   (pipeline / raw client)%n", rate / rawRate);
          out.flush();

          latency.reset();
          double paced = Math.max(1, rate / Math.max(1, healthyWebhooks) / 2);
          long sentBefore = accepted(receivers);
          int sent = paced(producer, topic, paced, o.latencyPhase(), o.events(), o.bodyBytes());
          awaitAccepted(
              receivers, sentBefore + (long) sent * healthyWebhooks, Duration.ofMinutes(5));
          out.printf(
              "end-to-end latency   p50 %.1f ms  p99 %.1f ms  max %.1f ms   (%d events at %.0f/s,"
                  + " produce to receiver)%n",
              latency.getValueAtPercentile(50) / 1000.0,
              latency.getValueAtPercentile(99) / 1000.0,
              latency.getMaxValue() / 1000.0,
              sent,
              paced);
          out.printf(
              "memory               peak heap %d MiB (sum of pool peaks)  peak RSS %s%n",
              peakHeap() / (1024 * 1024), peakRss());
          out.flush();
        }
      }
    } finally {
      receivers.forEach(BenchReceiver::close);
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  private static Map<String, String> benchSettings(String prefix) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("consumer.group-id", prefix);
    s.put("topics.events", prefix + ".events");
    s.put("topics.webhooks", prefix + ".webhooks");
    s.put("topics.dlq", prefix + ".dlq");
    s.put("topics.retry-prefix", prefix + ".retry.");
    s.put("topics.attempts", prefix + ".attempts");
    s.put("delivery.allowed-networks", "127.0.0.0/8");
    s.put("management.port", "-1");
    return s;
  }

  private static List<Subscription> webhooks(
      FanoutConfig config, List<BenchReceiver> receivers, int fanout) throws Exception {
    SubscriptionCodec codec = new SubscriptionCodec(SecretCipher.none(), false);
    List<Subscription> webhooks = new ArrayList<>();
    for (int j = 0; j < fanout; j++) {
      String id = "wh_bench_" + j;
      byte[] json =
          codec.encode(
              id,
              SPACE,
              receivers.get(j % receivers.size()).url(),
              List.of("*"),
              true,
              new SigningSecret("bench-secret-" + j),
              "bench");
      webhooks.add(codec.decode(id, json));
    }
    return webhooks;
  }

  private static void register(FanoutConfig config, List<Subscription> webhooks) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = producer(config, "bench-webhooks");
        RecordSender sender = new RecordSender(producer, "bench-send")) {
      KafkaSubscriptionWriter writer =
          new KafkaSubscriptionWriter(sender, config.topics().webhooks());
      for (Subscription s : webhooks) {
        writer.put(s.id(), s.source()).get(30, TimeUnit.SECONDS);
      }
    }
  }

  /** The bare client: the same signed requests, with the same bound on requests in flight. */
  private static double rawClient(
      FanoutConfig config,
      List<Subscription> webhooks,
      int healthyWebhooks,
      Options o,
      List<BenchReceiver> receivers)
      throws Exception {
    List<Subscription> healthy = new ArrayList<>();
    for (int j = 0; j < webhooks.size(); j++) {
      if (j % receivers.size() >= o.blackHoles() + o.failing()) {
        healthy.add(webhooks.get(j));
      }
    }
    EventParser parser = new EventParser(config.delivery().maxBodyBytes());
    try (WebhookSender sender = new ApacheHttpWebhookSender(config.delivery())) {
      post(sender, parser, healthy, Math.max(1000, o.rawRequests() / 10), o.bodyBytes(), config);
      long start = System.nanoTime();
      post(sender, parser, healthy, o.rawRequests(), o.bodyBytes(), config);
      return o.rawRequests() / ((System.nanoTime() - start) / 1e9);
    }
  }

  private static void post(
      WebhookSender sender,
      EventParser parser,
      List<Subscription> webhooks,
      int requests,
      int bodyBytes,
      FanoutConfig config)
      throws InterruptedException {
    Semaphore inFlight = new Semaphore(config.delivery().maxInFlight());
    Origin origin = new Origin("raw", 0, 0, null, Instant.now());
    for (int i = 0; i < requests; i++) {
      Event event = ((EventParser.Parsed) parser.parse(body(i, bodyBytes))).event();
      DeliveryTask task = DeliveryTask.first(event, webhooks.get(i % webhooks.size()), origin);
      inFlight.acquire();
      sender
          .send(WebhookRequests.build(task, Instant.now()))
          .whenComplete((r, e) -> inFlight.release());
    }
    inFlight.acquire(config.delivery().maxInFlight());
  }

  private static int paced(
      KafkaProducer<byte[], byte[]> producer,
      String topic,
      double perSecond,
      Duration phase,
      int firstId,
      int bodyBytes)
      throws InterruptedException {
    long start = System.nanoTime();
    long end = start + phase.toNanos();
    int sent = 0;
    while (System.nanoTime() < end) {
      long due = start + (long) (sent * 1e9 / perSecond);
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      producer.send(new ProducerRecord<>(topic, null, body(firstId + sent, bodyBytes)));
      sent++;
    }
    producer.flush();
    return sent;
  }

  /** An event envelope of about {@code size} bytes, stamped with the time it is produced. */
  static byte[] body(int id, int size) {
    String head =
        "{\"id\":\"evt_"
            + id
            + "\",\"type\":\"job.failed\",\"space_id\":\""
            + SPACE
            + "\",\"data\":{\"sent_ns\":"
            + System.nanoTime()
            + ",\"pad\":\"";
    int pad = Math.max(0, size - head.length() - 3);
    return (head + "x".repeat(pad) + "\"}}").getBytes(StandardCharsets.UTF_8);
  }

  private static KafkaProducer<byte[], byte[]> producer(FanoutConfig config, String clientId) {
    FanoutConfig batching =
        config.with(
            Map.of("kafka.producer.batch.size", "131072", "kafka.producer.linger.ms", "10"));
    return new KafkaClients(batching.kafka(), "bench").durableProducer(clientId);
  }

  private static long accepted(List<BenchReceiver> receivers) {
    return receivers.stream().mapToLong(BenchReceiver::accepted).sum();
  }

  private static void awaitAccepted(List<BenchReceiver> receivers, long target, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (accepted(receivers) < target) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "only " + accepted(receivers) + " of " + target + " deliveries within " + timeout);
      }
      Thread.sleep(5);
    }
  }

  private static void resetPeaks() {
    ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
  }

  private static long peakHeap() {
    long total = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        total += pool.getPeakUsage().getUsed();
      }
    }
    return total;
  }

  /** Peak resident set size of this process (Linux), or "n/a". */
  private static String peakRss() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
          return (kib / 1024) + " MiB";
        }
      }
    } catch (Exception e) {
      // not Linux
    }
    return "n/a";
  }
}
