package dev.fanout.bench;

import dev.fanout.app.FanoutWorker;
import dev.fanout.config.Durations;
import dev.fanout.subscription.Subscription;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * One run of {@code fanout bench}, in one process: receivers on 127.0.0.1, the raw client, then a
 * worker on the run's own topics.
 *
 * <pre>
 *   1. raw client   N signed POSTs to the healthy webhooks, no Kafka            → requests/s, CPU
 *   2. throughput   E events already in Kafka, worker started, until every
 *                   healthy webhook has had all E                             → deliveries/s, CPU
 *   3. backlog      B more events produced as fast as possible (optional), then at once
 *   4. latency      events produced at a steady rate for a while               → p50/p99/max
 *   5. census       worker stopped; retry tiers and dead-letter topic read from the beginning
 * </pre>
 *
 * Only the latency phase's events carry a send time, so the latency is theirs alone, measured while
 * any backlog drains. A wait for healthy deliveries ends at {@code --phase-limit}; the run then
 * reports what arrived.
 */
final class BenchRun {
  private static final Duration READY_WITHIN = Duration.ofMinutes(2);
  private static final Duration REPORT_EVERY = Duration.ofSeconds(5);
  private static final int MOST_RESERVED_UP_FRONT = 4_000_000;

  private final BenchTopics topics;
  private final BenchOptions o;
  private final String label;
  private final PrintWriter err;
  private final Topology topology;
  private final List<Topology.Placement> healthy;
  private final DeliveryLedger ledger;
  private final long started = System.nanoTime();

  private BenchRun(BenchTopics topics, BenchOptions o, String label, PrintWriter err) {
    this.topics = topics;
    this.o = o;
    this.label = label;
    this.err = err;
    this.topology = Topology.of(o);
    this.healthy = topology.healthy();
    long deliveries = (long) o.events() * healthy.size();
    this.ledger =
        new DeliveryLedger(o.fanout(), (int) Math.min(MOST_RESERVED_UP_FRONT, deliveries));
  }

  /**
   * @param pacedRate events/s of the latency phase unless {@code --latency-rate} is set; 0 for half
   *     the measured rate
   */
  static RunResult run(
      BenchTopics topics, BenchOptions o, String label, double pacedRate, PrintWriter err)
      throws Exception {
    return new BenchRun(topics, o, label, err).run(pacedRate);
  }

  private RunResult run(double pacedRate) throws Exception {
    EventLoopGroup loop =
        new NioEventLoopGroup(2, new DefaultThreadFactory("bench-receiver", true));
    List<BenchReceiver> receivers = new ArrayList<>();
    try {
      for (int i = 0; i < topology.receivers(); i++) {
        // The first --slow-receivers answer after --receiver-latency, the others at once.
        long latency = i < o.slowReceivers() ? o.receiverLatency().toMillis() : 0;
        receivers.add(new BenchReceiver(loop, ledger, latency));
      }
      List<URI> urls = new ArrayList<>();
      for (Topology.Placement p : topology.webhooks()) {
        urls.add(receivers.get(p.receiver()).url(p.path()));
      }
      List<Subscription> webhooks = topics.create(urls);

      progress("raw client: %d requests", o.rawRequests());
      List<Subscription> healthyWebhooks =
          healthy.stream().map(p -> webhooks.get(p.webhook())).toList();
      RawClient.Result raw = RawClient.run(topics.config(), healthyWebhooks, o, err);
      ledger.reset();
      Memory.resetPeaks();

      try (KafkaProducer<byte[], byte[]> producer = topics.producer()) {
        progress("producing %d events", o.events());
        topics.produce(producer, 0, o.events(), o.bodyBytes());
        return pipeline(producer, raw, pacedRate);
      }
    } finally {
      receivers.forEach(BenchReceiver::close);
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  private RunResult pipeline(
      KafkaProducer<byte[], byte[]> producer, RawClient.Result raw, double pacedRateDefault)
      throws Exception {
    long deliveries = (long) o.events() * healthy.size();
    Throughput throughput;
    Paced paced;
    double backlogSeconds = 0;
    int sent;
    long latencyMissing;
    ThreadCpu.Machine latencyMachine;
    String group = topics.config().kafka().groupId();
    // Taken before the worker starts: every thread it starts is its own.
    Set<Long> earlier = ThreadCpu.alive(name -> BenchThreads.leftOver(name, group));
    try (FanoutWorker worker = startWorker()) {
      throughput = throughput(worker, deliveries, group, earlier);
      paced = pacedRate(pacedRateDefault, throughput.rate());
      long pacedMost = (long) (paced.rate() * o.latencyPhase().toMillis() / 1000.0 * 1.2) + 1000;
      ledger.reserve((o.events() + o.backlog() + pacedMost) * healthy.size());
      if (o.backlog() > 0) {
        progress("backlog: %d events", o.backlog());
        long start = System.nanoTime();
        topics.produce(producer, o.events(), o.backlog(), o.bodyBytes());
        backlogSeconds = (System.nanoTime() - start) / 1e9;
      }
      ledger.resetLatency();
      progress("latency: %.0f events/s for %s", paced.rate(), Durations.format(o.latencyPhase()));
      long firstPaced = (long) o.events() + o.backlog();
      ThreadCpu.Mark latencyStart = ThreadCpu.Mark.now();
      sent = topics.paced(producer, firstPaced, paced.rate(), o.latencyPhase(), o.bodyBytes());
      long due = (firstPaced + sent) * healthy.size();
      latencyMissing = Math.max(0, due - awaitDeliveries(due, worker));
      latencyMachine = latencyStart.until(ThreadCpu.Mark.now());
      DeliveryLedger.Late late = ledger.late();
      if (late.count() > 0) {
        progress(
            "latency: %d deliveries took over %d ms, received %.2f to %.2f s into the phase",
            late.count(),
            DeliveryLedger.LATE_MICROS / 1000,
            late.firstSeconds(),
            late.lastSeconds());
      }
      progress("stopping the worker");
    }
    progress("reading the retry tiers and the dead-letter topic");
    Set<String> healthyIds =
        healthy.stream().map(p -> BenchTopics.webhookId(p.webhook())).collect(Collectors.toSet());
    TierCensus.Counts census = topics.census(healthyIds);
    return new RunResult(
        label,
        o,
        topology.describe(),
        topics.config().delivery().maxInFlight(),
        raw,
        throughput.deliveries(),
        deliveries - throughput.deliveries(),
        throughput.seconds(),
        throughput.cpu(),
        o.backlog(),
        backlogSeconds,
        paced.rate(),
        paced.source(),
        sent,
        latencyMissing,
        ledger.latency(),
        latencyMachine,
        healthy.stream().mapToLong(p -> ledger.accepted(p.webhook())).min().orElse(0),
        healthy.stream().mapToLong(p -> ledger.accepted(p.webhook())).max().orElse(0),
        o.events() + o.backlog() + (long) sent,
        ledger.duplicates(),
        ledger.unidentified(),
        troubledRequests(),
        census,
        Memory.peakHeapBytes(),
        Memory.peakRssBytes());
  }

  private FanoutWorker startWorker() throws Exception {
    FanoutWorker worker = FanoutWorker.start(topics.config(), topics.cipher(), Clock.systemUTC());
    long deadline = System.nanoTime() + READY_WITHIN.toNanos();
    while (!worker.ready()) {
      if (System.nanoTime() > deadline) {
        worker.close();
        throw new IllegalStateException(
            prefix() + "the worker was not ready within " + READY_WITHIN);
      }
      Thread.sleep(10);
    }
    return worker;
  }

  /** Distinct healthy deliveries that arrived, the time they took, and the worker's CPU time. */
  private record Throughput(long deliveries, double seconds, ThreadCpu.Usage cpu) {
    double rate() {
      return deliveries / seconds;
    }
  }

  /**
   * From the worker ready until the healthy webhooks have all events: time, and the CPU time of the
   * worker's threads except those in {@code earlier}, alive before it started.
   */
  private Throughput throughput(
      FanoutWorker worker, long deliveries, String group, Set<Long> earlier)
      throws InterruptedException {
    progress("throughput: %d deliveries to healthy webhooks", deliveries);
    try (ThreadCpu meter = ThreadCpu.start()) {
      long start = System.nanoTime();
      long arrived = Math.min(deliveries, awaitDeliveries(deliveries, worker));
      double seconds = (System.nanoTime() - start) / 1e9;
      meter.stop();
      if (o.showThreads()) {
        Report.threads(
            err, "worker", meter.millisByName(n -> BenchThreads.worker(n, group), earlier));
      }
      return new Throughput(
          arrived, seconds, meter.usage(n -> BenchThreads.worker(n, group), earlier));
    }
  }

  /** The latency phase's rate in events/s, and where it came from. */
  private record Paced(double rate, String source) {}

  private Paced pacedRate(double fromBaseline, double deliveriesPerSecond) {
    if (o.latencyRate() > 0) {
      return new Paced(o.latencyRate(), "--latency-rate");
    }
    if (fromBaseline > 0) {
      return new Paced(fromBaseline, "as the all-healthy run");
    }
    return new Paced(
        Math.max(1, deliveriesPerSecond / healthy.size() / 2), "half the measured rate");
  }

  private long troubledRequests() {
    long requests = 0;
    for (Topology.Placement p : topology.webhooks()) {
      if (p.behaviour() != Behaviour.HEALTHY) {
        requests += ledger.requests(p.webhook());
      }
    }
    return requests;
  }

  /**
   * Waits until healthy webhooks have accepted {@code target} distinct deliveries, or for {@code
   * --phase-limit} at most. No quieter rule stops the wait early: a healthy task the worker parked
   * in a retry tier may come back after minutes, and that is part of what is measured.
   *
   * @return the distinct deliveries accepted: fewer than {@code target} when the limit was reached
   * @throws IllegalStateException when the worker stopped running
   */
  private long awaitDeliveries(long target, FanoutWorker worker) throws InterruptedException {
    long start = System.nanoTime();
    long nextReport = start + REPORT_EVERY.toNanos();
    while (true) {
      long distinct = ledger.accepted(healthy) - ledger.duplicates();
      long now = System.nanoTime();
      if (distinct >= target || now - start > o.phaseLimit().toNanos()) {
        return distinct;
      }
      if (!worker.live()) {
        throw new IllegalStateException(
            prefix() + "the worker stopped after " + distinct + " of " + target + " deliveries");
      }
      if (now > nextReport) {
        progress("%d of %d deliveries", distinct, target);
        nextReport = now + REPORT_EVERY.toNanos();
      }
      Thread.sleep(5);
    }
  }

  private void progress(String format, Object... args) {
    err.printf(
        "[%4.0fs] %s%s%n",
        (System.nanoTime() - started) / 1e9, prefix(), String.format(format, args));
    err.flush();
  }

  private String prefix() {
    return label.isEmpty() ? "" : label + ": ";
  }
}
