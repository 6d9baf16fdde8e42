package dev.fanout.bench;

import dev.fanout.config.FanoutConfig;
import dev.fanout.delivery.DeliveryTask;
import dev.fanout.delivery.WebhookRequests;
import dev.fanout.delivery.WebhookSender;
import dev.fanout.delivery.http.ApacheHttpWebhookSender;
import dev.fanout.event.Event;
import dev.fanout.event.EventParser;
import dev.fanout.event.Origin;
import dev.fanout.subscription.Subscription;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.FutureTask;
import java.util.concurrent.Semaphore;

/**
 * The bare HTTP client: a separate {@link ApacheHttpWebhookSender} posting the same signed requests
 * to the healthy webhooks, round robin, {@code --raw-in-flight N} in flight (64 unless told), on up
 * to N connections to one host, with no Kafka and no worker: the bare client, as a user would tune
 * it for the host, with no per-host policy of its own.
 *
 * <p>One loop on its own thread ({@value BenchThreads#RAW_LOOP}) builds and signs each request and
 * hands it over, as the worker does per delivery. Events are parsed once, before the run, as the
 * worker parses an event once for all its webhooks.
 */
final class RawClient {
  /** The measured run (after a warm-up): its rate and the CPU time of the client's threads. */
  record Result(double rate, int requests, int inFlight, int perHost, ThreadCpu.Usage cpu) {}

  private RawClient() {}

  static Result run(
      FanoutConfig config, List<Subscription> healthy, BenchOptions o, PrintWriter err)
      throws Exception {
    int n = o.rawInFlight();
    FanoutConfig raw =
        config.with(
            Map.of(
                "delivery.max-in-flight", Integer.toString(n),
                "delivery.host-concurrency.max", Integer.toString(n),
                "delivery.host-concurrency.initial", Integer.toString(Math.min(20, n)),
                "delivery.host-concurrency.min", Integer.toString(Math.min(4, n))));
    int inFlight = n;
    int perHost = raw.delivery().hostConcurrency().max();
    // Sender threads of an earlier client that are still shutting down are not this client's.
    Set<Long> earlier = ThreadCpu.alive(BenchThreads::sender);
    FutureTask<Result> task =
        new FutureTask<>(
            () -> {
              List<Event> events = events(raw, o.bodyBytes());
              try (WebhookSender sender = new ApacheHttpWebhookSender(raw.delivery())) {
                post(sender, events, healthy, warmUp(o.rawRequests()), inFlight);
                try (ThreadCpu cpu = ThreadCpu.start()) {
                  long start = System.nanoTime();
                  post(sender, events, healthy, o.rawRequests(), inFlight);
                  double seconds = (System.nanoTime() - start) / 1e9;
                  cpu.stop();
                  if (o.showThreads()) {
                    Report.threads(
                        err, "raw client", cpu.millisByName(BenchThreads::rawClient, earlier));
                  }
                  return new Result(
                      o.rawRequests() / seconds,
                      o.rawRequests(),
                      inFlight,
                      perHost,
                      cpu.usage(BenchThreads::rawClient, earlier));
                }
              }
            });
    new Thread(task, BenchThreads.RAW_LOOP).start();
    return task.get();
  }

  private static final int DISTINCT_EVENTS = 1024;

  /**
   * Requests before the measured run, so that neither its rate nor its CPU time measures the JIT
   * compiler: in a fresh JVM, CPU per request halves over the first tens of thousands.
   */
  static int warmUp(int requests) {
    return Math.max(20_000, requests / 5);
  }

  private static List<Event> events(FanoutConfig config, int bodyBytes) {
    EventParser parser = new EventParser(config.delivery().maxBodyBytes());
    List<Event> events = new ArrayList<>(DISTINCT_EVENTS);
    for (int i = 0; i < DISTINCT_EVENTS; i++) {
      byte[] body = EventBodies.body(i, bodyBytes, false);
      events.add(((EventParser.Parsed) parser.parse(body)).event());
    }
    return events;
  }

  private static void post(
      WebhookSender sender,
      List<Event> events,
      List<Subscription> webhooks,
      int requests,
      int inFlight)
      throws InterruptedException {
    Semaphore slots = new Semaphore(inFlight);
    Origin origin = new Origin("raw", 0, 0, null, Instant.now());
    for (int i = 0; i < requests; i++) {
      Event event = events.get(i % events.size());
      DeliveryTask task = DeliveryTask.first(event, webhooks.get(i % webhooks.size()), origin);
      slots.acquire();
      sender
          .send(WebhookRequests.build(task, Instant.now()))
          .whenComplete((r, e) -> slots.release());
    }
    slots.acquire(inFlight);
  }
}
