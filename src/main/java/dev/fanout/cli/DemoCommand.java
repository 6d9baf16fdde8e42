package dev.fanout.cli;

import dev.fanout.admin.WebhookIds;
import dev.fanout.admin.Webhooks;
import dev.fanout.admin.kafka.KafkaConfigTopic;
import dev.fanout.app.FanoutWorker;
import dev.fanout.config.FanoutConfig;
import dev.fanout.demo.DemoReceiver;
import dev.fanout.kafka.EmbeddedKafka;
import dev.fanout.kafka.KafkaClients;
import dev.fanout.signing.SecretCipher;
import dev.fanout.signing.SigningSecret;
import dev.fanout.subscription.EventPattern;
import dev.fanout.subscription.Subscription;
import dev.fanout.subscription.SubscriptionCodec;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    description = {
      "Run Fanout end to end on an embedded Kafka broker, with a demo receiver.",
      "The receiver verifies signatures; a healthy and a failing webhook get sample events,",
      "which end in deliveries and dead letters."
    })
final class DemoCommand extends BaseCommand {
  static final String SPACE = "space_42";
  static final String DEMO_SECRET = "demo-secret-not-for-production";

  /** The demo's defaults: loopback receivers allowed, a short retry schedule, readable logs. */
  static final Map<String, String> DEMO_DEFAULTS =
      Map.of(
          "delivery.allowed-networks", "127.0.0.0/8",
          "retry.schedule", "500ms,1s,2s",
          "management.port", "0",
          "commit.interval", "1s",
          "shutdown.timeout", "5s",
          "topics.partitions", "3",
          "log.format", "text",
          "log.level", "WARN");

  @Option(
      names = "--keep-running",
      description = "Stay up after the scripted part, for adding webhooks and events by hand.")
  boolean keepRunning;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Keep broker data here.")
  Path dataDir;

  @Option(
      names = "--timeout",
      defaultValue = "90s",
      description = "How long to wait for the expected outcome (default ${DEFAULT-VALUE}).")
  String timeout;

  @Override
  public Integer call() throws Exception {
    BundledTools.onClassPath().requireEmbeddedBroker("demo");
    load(DEMO_DEFAULTS);
    PrintWriter out = out();
    Duration wait = dev.fanout.config.Durations.parse(timeout);
    out.println("Starting an embedded Kafka broker...");
    out.flush();
    try (EmbeddedKafka broker =
        dataDir == null ? EmbeddedKafka.start() : EmbeddedKafka.start(dataDir, false)) {
      FanoutConfig config =
          config().with(Map.of("kafka.bootstrap.servers", broker.bootstrapServers()));
      out.println("Kafka broker: " + broker.bootstrapServers());
      TopicsCommand.createAll(config, out);

      // Secrets are encrypted in the demo too: with the keys of the environment if it has one,
      // else with a key made for this run, which lives only in this process and its broker.
      String generatedKeys = cipher().canEncrypt() ? null : SecretCipher.generateKeySpec("demo");
      SecretCipher demoCipher =
          generatedKeys == null ? cipher() : SecretCipher.parse(generatedKeys);
      SubscriptionCodec codec = codec(config, demoCipher);
      out.println(
          generatedKeys == null
              ? "Secrets are encrypted under the keys of " + SecretCipher.KEYS_VARIABLE + "."
              : "Secrets are encrypted under a key made for this run (it lives in memory only).");
      SigningSecret secret = new SigningSecret(DEMO_SECRET);
      CountDownLatch delivered = new CountDownLatch(3);
      AtomicInteger badSignatures = new AtomicInteger();
      try (DemoReceiver receiver =
          new DemoReceiver(
              secret,
              r -> {
                printReceived(out, r);
                if (!(r.y42SignatureValid() && r.standardSignatureValid())) {
                  badSignatures.incrementAndGet();
                }
                if (r.status() == 200) {
                  delivered.countDown();
                }
              })) {
        String healthy =
            register(
                config, codec, receiver, "/hooks/ok", "job.*,orchestration.*", secret, "healthy");
        String failing =
            register(config, codec, receiver, "/hooks/fail", "job.failed", secret, "failing");
        out.printf(
            "Webhooks: %s -> %s (healthy), %s -> %s (answers 500)%n",
            healthy, receiver.url("/hooks/ok"), failing, receiver.url("/hooks/fail"));

        try (FanoutWorker worker =
            FanoutWorker.start(config, demoCipher, recordKeys(), Clock.systemUTC())) {
          out.println(
              "Worker started; metrics on http://127.0.0.1:"
                  + worker.managementPort()
                  + "/metrics");
          produceSamples(config, out);
          out.println();
          out.println("Deliveries (receiver's view: both signatures checked):");
          out.flush();
          boolean allDelivered =
              delivered.await(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
          List<ConsumerRecord<byte[], byte[]>> deadLetters = readDeadLetters(config, 2, wait);
          out.println();
          out.println("Dead-letter topic " + config.topics().dlq() + ":");
          deadLetters.forEach(r -> printDeadLetter(out, r));
          boolean ok = allDelivered && deadLetters.size() >= 2 && badSignatures.get() == 0;
          out.println();
          out.println(
              ok
                  ? "Demo complete: 3 verified deliveries, 2 dead letters."
                  : "Demo incomplete: expected 3 verified deliveries and 2 dead letters.");
          if (keepRunning) {
            printKeepRunningHelp(out, config, receiver, generatedKeys);
            new CountDownLatch(1).await();
          }
          return ok ? ExitCodes.OK : ExitCodes.FAILURE;
        }
      }
    }
  }

  private static String register(
      FanoutConfig config,
      SubscriptionCodec codec,
      DemoReceiver receiver,
      String path,
      String events,
      SigningSecret secret,
      String description)
      throws Exception {
    Subscription webhook =
        new Subscription(
            WebhookIds.newId(),
            SPACE,
            receiver.url(path),
            Arrays.stream(events.split(",")).map(EventPattern::new).toList(),
            true,
            secret,
            null,
            null,
            description,
            null,
            null);
    // Through the service, as `webhooks add` does: validated, and the secret dated.
    try (Webhooks webhooks =
        new Webhooks(new KafkaConfigTopic(config, codec), codec, Clock.systemUTC())) {
      return webhooks.add(webhook).id();
    }
  }

  private static void produceSamples(FanoutConfig config, PrintWriter out) throws Exception {
    String jobs = config.topics().events().get(0);
    String orchestrations =
        config.topics().events().size() > 1 ? config.topics().events().get(1) : jobs;
    String now = Instant.now().toString();
    List<String[]> events =
        List.of(
            new String[] {
              jobs,
              "{\"id\":\"evt_1\",\"type\":\"job.failed\",\"space_id\":\""
                  + SPACE
                  + "\",\"occurred_at\":\""
                  + now
                  + "\",\"data\":{\"job\":\"daily_revenue\",\"run_id\":\"r_9\"}}"
            },
            new String[] {
              jobs,
              "{\"id\":\"evt_2\",\"type\":\"job.succeeded\",\"space_id\":\""
                  + SPACE
                  + "\",\"occurred_at\":\""
                  + now
                  + "\",\"data\":{\"job\":\"orders\",\"run_id\":\"r_10\"}}"
            },
            new String[] {
              orchestrations,
              "{\"id\":\"evt_3\",\"type\":\"orchestration.finished\",\"space_id\":\""
                  + SPACE
                  + "\",\"occurred_at\":\""
                  + now
                  + "\",\"data\":{\"orchestration\":\"nightly\"}}"
            },
            new String[] {
              jobs, "{\"id\":\"evt_4\",\"type\":\"job.failed\",\"space_id\":\"space_other\"}"
            },
            new String[] {jobs, "this is not an event"});
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaClients(config.kafka(), "fanout").durableProducer("demo")) {
      for (String[] e : events) {
        producer
            .send(
                new ProducerRecord<>(
                    e[0],
                    SPACE.getBytes(StandardCharsets.UTF_8),
                    e[1].getBytes(StandardCharsets.UTF_8)))
            .get();
      }
    }
    out.println("Produced 5 events: job.failed, job.succeeded, orchestration.finished,");
    out.println("  one for a space with no webhooks, and one that is not valid JSON.");
  }

  private static synchronized void printReceived(PrintWriter out, DemoReceiver.Received r) {
    out.printf(
        "  %-12s %-24s %s  x-y42-signature %s  webhook-signature %s  -> %d%n",
        r.path(),
        r.eventType(),
        r.deliveryId(),
        r.y42SignatureValid() ? "ok" : "BAD",
        r.standardSignatureValid() ? "ok" : "BAD",
        r.status());
    out.flush();
  }

  private static List<ConsumerRecord<byte[], byte[]>> readDeadLetters(
      FanoutConfig config, int expected, Duration wait) {
    List<ConsumerRecord<byte[], byte[]>> found = new java.util.ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaClients(config.kafka(), "fanout").assignedConsumer("demo-dlq")) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(config.topics().dlq()).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Instant deadline = Instant.now().plus(wait);
      while (found.size() < expected && Instant.now().isBefore(deadline)) {
        consumer.poll(Duration.ofMillis(200)).forEach(found::add);
      }
    }
    return found;
  }

  private static void printDeadLetter(PrintWriter out, ConsumerRecord<byte[], byte[]> record) {
    out.printf("  value: %s%n", new String(record.value(), StandardCharsets.UTF_8));
    for (Header h : record.headers()) {
      if (h.key().startsWith("fanout.")) {
        out.printf("    %-24s %s%n", h.key(), new String(h.value(), StandardCharsets.UTF_8));
      }
    }
  }

  /**
   * @param generatedKeys the key list made for this run, or null when the environment's was used
   */
  private static void printKeepRunningHelp(
      PrintWriter out, FanoutConfig config, DemoReceiver receiver, String generatedKeys) {
    String bootstrap = config.kafka().bootstrapServers();
    out.println();
    out.println("Still running (Ctrl-C to stop). Try, from another terminal:");
    if (generatedKeys != null) {
      // Printed on purpose, once: the key of this run's throwaway broker, so that commands run
      // by hand encrypt secrets as the demo's worker reads them.
      out.println("  export " + SecretCipher.KEYS_VARIABLE + "=" + generatedKeys);
    }
    out.println("  echo -n '" + DEMO_SECRET + "' > /tmp/demo-secret");
    out.println(
        "  java -jar target/fanout.jar --bootstrap-servers "
            + bootstrap
            + " webhooks add --space "
            + SPACE
            + " --url "
            + receiver.url("/hooks/ok")
            + " --events '*' --secret-file /tmp/demo-secret");
    out.println(
        "  java -jar target/fanout.jar --bootstrap-servers " + bootstrap + " webhooks list");
    out.println(
        "Produce events to "
            + config.topics().events()
            + " at "
            + bootstrap
            + " with any Kafka producer, for example:");
    out.println(
        "  kcat -b "
            + bootstrap
            + " -t "
            + config.topics().events().get(0)
            + " -P <<< '{\"id\":\"evt_9\",\"type\":\"job.failed\",\"space_id\":\""
            + SPACE
            + "\"}'");
    out.flush();
  }
}
