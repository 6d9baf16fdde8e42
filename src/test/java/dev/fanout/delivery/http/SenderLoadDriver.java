package dev.fanout.delivery.http;

import dev.fanout.config.ConfigLoader;
import dev.fanout.config.FanoutConfig;
import dev.fanout.delivery.HttpResult;
import dev.fanout.delivery.WebhookRequest;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Load on {@link ApacheHttpWebhookSender} with every request going to one host:port (two URLs on
 * one {@link NettyReceiver}), in one JVM. Not a test: run it by hand, on a quiet machine.
 *
 * <pre>
 *   java -cp target/test-classes:target/classes:$(cat cp.txt) \
 *       dev.fanout.delivery.http.SenderLoadDriver paced 10 200 500 1000 2000
 *   ... SenderLoadDriver saturated 10 64 512
 * </pre>
 *
 * Requests are sent as the delivery engine sends them: from one dispatching thread (paced), or from
 * one engine thread that the completions are handed to (saturated). System properties {@code
 * max-in-flight} and {@code max-in-flight-per-endpoint} size the pool (default 1000 and 1000).
 *
 * <p>CPU per request is measured over the saturated window two ways: the process's CPU time minus
 * the receiver's threads (so it includes GC and JIT), and the sum of {@link
 * ThreadMXBean#getThreadCpuTime} over every other live thread (sender, driver, engine). With {@code
 * -Dhogs=N}, N threads burn CPU throughout (see {@link #startHogs}); their time is left out of both
 * figures.
 */
public final class SenderLoadDriver {
  private static final byte[] BODY = body(1024);

  private SenderLoadDriver() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    int seconds = Integer.parseInt(args[1]);
    startHogs(Integer.getInteger("hogs", 0));
    warmUp();
    for (int i = 2; i < args.length; i++) {
      int value = Integer.parseInt(args[i]);
      if (mode.equals("paced")) {
        paced(value, seconds);
      } else {
        saturated(value, seconds);
      }
    }
    System.exit(0);
  }

  private static FanoutConfig.Delivery config() {
    Map<String, String> values = new HashMap<>(ConfigLoader.defaults());
    values.put("delivery.allowed-networks", "127.0.0.0/8");
    values.put("delivery.max-in-flight", System.getProperty("max-in-flight", "1000"));
    values.put(
        "delivery.max-in-flight-per-endpoint",
        System.getProperty("max-in-flight-per-endpoint", "1000"));
    return FanoutConfig.from(values).delivery();
  }

  /**
   * Threads that only burn CPU, standing in for the rest of a busy worker (Kafka clients, engine,
   * GC) on a small machine: they make the scheduler preempt the sender's threads at any point.
   */
  private static void startHogs(int count) {
    for (int i = 0; i < count; i++) {
      Thread hog =
          new Thread(
              () -> {
                long x = 0;
                while (true) {
                  x += System.nanoTime() % 7;
                  if (x == 42) {
                    System.out.print("");
                  }
                }
              },
              "hog-" + i);
      hog.setDaemon(true);
      hog.start();
    }
  }

  /** JIT-compiles the paths on a pair thrown away, so each measurement starts from fresh pools. */
  private static void warmUp() throws Exception {
    try (NettyReceiver receiver = new NettyReceiver();
        ApacheHttpWebhookSender sender = new ApacheHttpWebhookSender(config())) {
      List<URI> urls = List.of(receiver.url("/a"), receiver.url("/b"));
      ExecutorService engine = engine();
      runClosedLoop(sender, urls, 64, TimeUnit.SECONDS.toNanos(3), new LongAdder(), engine);
      engine.shutdown();
    }
  }

  private static void paced(int perSecond, int seconds) throws Exception {
    try (NettyReceiver receiver = new NettyReceiver();
        ApacheHttpWebhookSender sender = new ApacheHttpWebhookSender(config())) {
      List<URI> urls = List.of(receiver.url("/a"), receiver.url("/b"));
      ExecutorService engine = engine();
      ConcurrentHistogram attempt = new ConcurrentHistogram(3);
      LongAdder failures = new LongAdder();
      AtomicInteger outstanding = new AtomicInteger();
      StringBuilder growth = new StringBuilder();
      long start = System.nanoTime();
      long total = (long) perSecond * seconds;
      long nextReport = start + TimeUnit.SECONDS.toNanos(1);
      for (long i = 0; i < total; i++) {
        long due = start + i * 1_000_000_000L / perSecond;
        long now;
        while ((now = System.nanoTime()) < due) {
          LockSupport.parkNanos(due - now);
        }
        if (now >= nextReport) {
          growth.append(' ').append(receiver.connectionsOpen());
          nextReport += TimeUnit.SECONDS.toNanos(1);
        }
        long sentAt = System.nanoTime();
        outstanding.incrementAndGet();
        sender
            .send(request(urls.get((int) (i & 1)), sentAt))
            .thenAcceptAsync(
                result -> {
                  attempt.recordValue((System.nanoTime() - sentAt) / 1000);
                  if (!(result instanceof HttpResult.Response)) {
                    failures.increment();
                  }
                  outstanding.decrementAndGet();
                },
                engine);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (outstanding.get() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      engine.shutdown();
      Histogram arrival = receiver.arrivalMicros();
      System.out.printf(
          "paced %5d/s %ds: sent %d failed %d | arrival p50 %s p99 %s max %s | attempt p50 %s"
              + " p99 %s max %s mean %s | connections opened %d, most open %d, open each second:%s%n",
          perSecond,
          seconds,
          total,
          failures.sum() + outstanding.get(),
          ms(arrival.getValueAtPercentile(50)),
          ms(arrival.getValueAtPercentile(99)),
          ms(arrival.getMaxValue()),
          ms(attempt.getValueAtPercentile(50)),
          ms(attempt.getValueAtPercentile(99)),
          ms(attempt.getMaxValue()),
          ms((long) attempt.getMean()),
          receiver.connectionsOpened(),
          receiver.mostConnectionsOpen(),
          growth);
    }
  }

  private static void saturated(int inFlight, int seconds) throws Exception {
    try (NettyReceiver receiver = new NettyReceiver();
        ApacheHttpWebhookSender sender = new ApacheHttpWebhookSender(config())) {
      List<URI> urls = List.of(receiver.url("/a"), receiver.url("/b"));
      LongAdder done = new LongAdder();
      ExecutorService engine = engine();
      runClosedLoop(sender, urls, inFlight, TimeUnit.SECONDS.toNanos(3), done, engine);
      CpuSample before = CpuSample.take();
      long count0 = done.sum();
      long t0 = System.nanoTime();
      runClosedLoop(sender, urls, inFlight, TimeUnit.SECONDS.toNanos(seconds), done, engine);
      long elapsed = System.nanoTime() - t0;
      CpuSample after = CpuSample.take();
      engine.shutdown();
      long count = done.sum() - count0;
      System.out.printf(
          "saturated %4d in flight %ds: %8.0f req/s | CPU us/req: process-minus-receiver %.1f,"
              + " sender+driver threads %.1f, receiver %.1f | connections opened %d, most open"
              + " %d%n    CPU us/req by thread:%s%n",
          inFlight,
          seconds,
          count / (elapsed / 1e9),
          (after.process - before.process - (after.receiver - before.receiver)) / 1000.0 / count,
          (after.others - before.others) / 1000.0 / count,
          (after.receiver - before.receiver) / 1000.0 / count,
          receiver.connectionsOpened(),
          receiver.mostConnectionsOpen(),
          after.perRequestByName(before, count));
    }
  }

  /** Keeps {@code inFlight} requests going, each next one sent from the engine thread. */
  private static void runClosedLoop(
      ApacheHttpWebhookSender sender,
      List<URI> urls,
      int inFlight,
      long nanos,
      LongAdder done,
      ExecutorService engine)
      throws InterruptedException {
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger outstanding = new AtomicInteger();
    AtomicInteger next = new AtomicInteger();
    Runnable[] sendOne = new Runnable[1];
    sendOne[0] =
        () -> {
          outstanding.incrementAndGet();
          sender
              .send(request(urls.get(next.getAndIncrement() & 1), System.nanoTime()))
              .thenAcceptAsync(
                  result -> {
                    done.increment();
                    outstanding.decrementAndGet();
                    if (running.get()) {
                      sendOne[0].run();
                    }
                  },
                  engine);
        };
    engine.execute(
        () -> {
          for (int i = 0; i < inFlight; i++) {
            sendOne[0].run();
          }
        });
    Thread.sleep(TimeUnit.NANOSECONDS.toMillis(nanos));
    running.set(false);
    while (outstanding.get() > 0) {
      Thread.sleep(5);
    }
  }

  /** The delivery engine's one thread, to which completions are handed. */
  private static ExecutorService engine() {
    return Executors.newSingleThreadExecutor(r -> new Thread(r, "engine"));
  }

  private static WebhookRequest request(URI url, long sentAt) {
    return new WebhookRequest(
        url,
        List.of(
            new WebhookRequest.Header("webhook-id", "msg_2b1f4f0c"),
            new WebhookRequest.Header("webhook-timestamp", "1764400000"),
            new WebhookRequest.Header(
                "webhook-signature", "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4="),
            new WebhookRequest.Header(NettyReceiver.SENT_HEADER, Long.toString(sentAt))),
        BODY);
  }

  private static byte[] body(int size) {
    String head = "{\"id\":\"evt_1\",\"type\":\"job.failed\",\"data\":{\"pad\":\"";
    return (head + "x".repeat(size - head.length() - 3) + "\"}}").getBytes(StandardCharsets.UTF_8);
  }

  private static String ms(long micros) {
    return String.format("%.2fms", micros / 1000.0);
  }

  /**
   * CPU nanoseconds so far: the process, the receiver's threads, every other live thread, and those
   * by thread name (digits left out, so a pool's threads count as one).
   */
  private record CpuSample(long process, long receiver, long others, Map<String, Long> byName) {
    static CpuSample take() {
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long receiver = 0;
      long others = 0;
      Map<String, Long> byName = new java.util.TreeMap<>();
      for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
        if (info == null) {
          continue;
        }
        long cpu = threads.getThreadCpuTime(info.getThreadId());
        if (cpu < 0) {
          continue;
        }
        if (info.getThreadName().startsWith("receiver") || info.getThreadName().startsWith("hog")) {
          receiver += cpu;
        } else {
          others += cpu;
        }
        byName.merge(info.getThreadName().replaceAll("[0-9]+", "#"), cpu, Long::sum);
      }
      long process =
          ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
              .getProcessCpuTime();
      return new CpuSample(process, receiver, others, byName);
    }

    /** Microseconds per request of each thread name that used at least 0.5 us per request. */
    String perRequestByName(CpuSample before, long requests) {
      StringBuilder out = new StringBuilder();
      byName.forEach(
          (name, cpu) -> {
            double us = (cpu - before.byName.getOrDefault(name, 0L)) / 1000.0 / requests;
            if (us >= 0.5) {
              out.append(String.format(" %s=%.1f", name, us));
            }
          });
      return out.toString();
    }
  }
}
