package dev.fanout.cli;

import static dev.fanout.testing.FanoutHarness.event;
import static dev.fanout.testing.FanoutHarness.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.app.FanoutWorker;
import dev.fanout.config.FanoutConfig;
import dev.fanout.delivery.DeliveryTask;
import dev.fanout.event.Event;
import dev.fanout.event.EventParser;
import dev.fanout.event.Origin;
import dev.fanout.kafka.KafkaClients;
import dev.fanout.retry.RetryRecords;
import dev.fanout.retry.RetryTiers;
import dev.fanout.subscription.Subscription;
import dev.fanout.testing.FanoutHarness;
import dev.fanout.testing.TestReceiver;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code deliveries list|show} against a real broker: a delivery fails twice, is dead-lettered,
 * replayed (as {@code dlq replay} will: a retry tier record with {@code fanout.replays=1}, no
 * attempts, due now) and delivered; another is dead-lettered for good.
 */
class DeliveriesIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String SECRET = "deliveries-secret-value-4242";

  private TestReceiver receiver;
  private FanoutHarness fanout;
  private StringWriter out;
  private StringWriter err;

  @BeforeEach
  void start() throws Exception {
    receiver = new TestReceiver();
    // One retry: a failing delivery is attempted twice, then dead-lettered.
    fanout = new FanoutHarness(Map.of("retry.schedule", "100ms"));
  }

  @AfterEach
  void stop() throws Exception {
    fanout.close();
    receiver.close();
  }

  private int run(String... command) {
    out = new StringWriter();
    err = new StringWriter();
    List<String> args = new ArrayList<>();
    args.addAll(List.of("--bootstrap-servers", fanout.config().kafka().bootstrapServers()));
    for (String key : List.of("topics.dlq", "topics.attempts")) {
      args.addAll(List.of("--set", key + "=" + fanout.config().raw().get(key)));
    }
    args.addAll(List.of(command));
    CommandLine cli = FanoutCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args.toArray(String[]::new));
  }

  @Test
  void tellsTheStoryOfADeliveryThatFailedWasDeadLetteredAndReplayed() throws Exception {
    AtomicInteger storyCalls = new AtomicInteger();
    receiver.answer(
        "/hook",
        r ->
            TestReceiver.Reply.status(
                r.eventId().equals("evt_story") && storyCalls.incrementAndGet() > 2 ? 200 : 500));
    String webhookId = fanout.addWebhook(receiver.url("/hook"), "job.failed", SECRET);
    FanoutWorker worker = fanout.startWorker();
    fanout.produceEvent(fanout.jobsTopic(), event("evt_lost", "job.failed"));
    fanout.produceEvent(fanout.jobsTopic(), event("evt_story", "job.failed"));

    List<ConsumerRecord<byte[], byte[]>> dead = fanout.deadLetters(2, WAIT);
    assertThat(dead).hasSize(2);
    ConsumerRecord<byte[], byte[]> storyDead =
        dead.stream()
            .filter(r -> "evt_story".equals(header(r, "fanout.event.id")))
            .findFirst()
            .orElseThrow();
    String storyId = header(storyDead, "fanout.delivery.id");
    String lostId =
        dead.stream()
            .filter(r -> "evt_lost".equals(header(r, "fanout.event.id")))
            .map(r -> header(r, "fanout.delivery.id"))
            .findFirst()
            .orElseThrow();
    replay(storyDead, worker.subscriptions().get(webhookId).orElseThrow());
    await()
        .atMost(WAIT)
        .until(() -> receiver.deliveredEventIds("/hook").equals(List.of("evt_story")));
    // Two attempts and a dead letter each, and the replayed attempt.
    assertThat(fanout.readTopic(fanout.config().topics().attempts(), 7, WAIT)).hasSize(7);

    assertThat(run("deliveries", "show", storyId)).isEqualTo(ExitCodes.OK);
    String story = out.toString();
    assertThat(story).doesNotContain(SECRET);
    List<String> lines = story.lines().toList();
    assertThat(lines.get(0)).isEqualTo("delivery " + storyId);
    assertThat(lines.get(1)).isEqualTo("webhook " + webhookId + ", event evt_story (job.failed)");
    assertThat(lines.get(2)).startsWith("AT").contains("KIND", "ATTEMPT", "OUTCOME");
    assertThat(lines.get(3)).matches(".*Z +attempt +1 +0 +retry +500 +http_status +\\d+ ms");
    assertThat(lines.get(4))
        .matches(".*Z +attempt +2 +0 +dead_lettered +500 +http_status +\\d+ ms");
    assertThat(lines.get(5)).matches(".*Z +dead_letter +2 +0 +dead_lettered +500 +http_status +-");
    assertThat(lines.get(6)).matches(".*Z +attempt +1 +1 +delivered +200 +- +\\d+ ms");
    assertThat(lines.get(7)).isEqualTo("dead letters: 1");
    assertThat(lines.get(8))
        .contains(
            fanout.config().topics().dlq() + "-" + storyDead.partition() + "@" + storyDead.offset())
        .contains("reason http_status, 2 attempts, 0 replays, status 500");
    assertThat(lines).hasSize(9);

    assertThat(run("deliveries", "show", storyId, "--output", "json")).isEqualTo(ExitCodes.OK);
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.get("delivery_id").asText()).isEqualTo(storyId);
    assertThat(json.get("history")).hasSize(4);
    assertThat(json.get("history").get(3).get("replays").asInt()).isEqualTo(1);
    assertThat(json.get("dead_letters")).hasSize(1);
    assertThat(json.get("dead_letters").get(0).get("reason").asText()).isEqualTo("http_status");

    assertThat(run("deliveries", "list", "--webhook", webhookId, "--since", "1h"))
        .isEqualTo(ExitCodes.OK);
    List<String> listed = out.toString().lines().toList();
    assertThat(listed).hasSize(3);
    assertThat(listed.get(1))
        .matches(storyId + " +evt_story +job.failed +1 +1 +200 +delivered +.*Z");
    assertThat(listed.get(2))
        .matches(lostId + " +evt_lost +job.failed +2 +0 +500 +dead_lettered +.*Z");

    assertThat(run("deliveries", "list", "--webhook", webhookId, "--failed", "--output", "json"))
        .isEqualTo(ExitCodes.OK);
    JsonNode failed = new ObjectMapper().readTree(out.toString());
    assertThat(failed).hasSize(1);
    assertThat(failed.get(0).get("delivery_id").asText()).isEqualTo(lostId);
    assertThat(failed.get(0).get("state").asText()).isEqualTo("dead_lettered");
    assertThat(failed.get(0).get("attempts").asInt()).isEqualTo(2);

    assertThat(run("deliveries", "list", "--webhook", webhookId, "--limit", "1"))
        .isEqualTo(ExitCodes.OK);
    assertThat(out.toString().lines().toList()).hasSize(2).last().asString().startsWith(storyId);

    assertThat(run("deliveries", "list", "--webhook", "wh_nobody")).isEqualTo(ExitCodes.OK);
    assertThat(out.toString().lines().toList()).hasSize(1);

    assertThat(run("deliveries", "show", "dlv_unknown")).isEqualTo(ExitCodes.FAILURE);
    assertThat(err.toString()).contains("no history of delivery dlv_unknown");
  }

  @Test
  void showPrintsTheStartOfEachResponseRedactedAndEscaped() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    // First an answer that echoes the signatures it got and the webhook's secret (a receiver
    // that prints its configuration), with characters that would act on a terminal; then a plain
    // success.
    receiver.answer(
        "/echo",
        r ->
            calls.incrementAndGet() == 1
                ? TestReceiver.Reply.body(
                    500,
                    "text/plain; charset=utf-8",
                    "bad signature: "
                        + r.header("x-y42-signature")
                        + " "
                        + r.header("webhook-signature")
                        + " secret="
                        + SECRET
                        + " \u202e\u001b[31m")
                : TestReceiver.Reply.body(200, "application/json", "{\"received\":true}"));
    String webhookId = fanout.addWebhook(receiver.url("/echo"), "job.failed", SECRET);
    fanout.startWorker();
    fanout.produceEvent(fanout.jobsTopic(), event("evt_snip", "job.failed"));

    await()
        .atMost(WAIT)
        .until(() -> receiver.deliveredEventIds("/echo").equals(List.of("evt_snip")));
    List<ConsumerRecord<byte[], byte[]>> attempts =
        fanout.readTopic(fanout.config().topics().attempts(), 2, WAIT);
    assertThat(attempts).hasSize(2);
    String deliveryId = new String(attempts.get(0).key(), StandardCharsets.UTF_8);
    TestReceiver.Request first = receiver.requests("/echo").get(0);
    String y42 = first.header("x-y42-signature");
    String standard = first.header("webhook-signature");

    assertThat(run("deliveries", "show", deliveryId)).isEqualTo(ExitCodes.OK);
    String story = out.toString();
    assertThat(story)
        .doesNotContain(y42.substring("sha256=".length()))
        .doesNotContain(standard.substring("v1,".length()))
        .doesNotContain(SECRET)
        .doesNotContain("\u202e")
        .doesNotContain("\u001b");
    List<String> lines = story.lines().toList();
    assertThat(lines.get(3)).matches(".*Z +attempt +1 +0 +retry +500 +http_status +\\d+ ms");
    assertThat(lines.get(4))
        .isEqualTo(
            "  response (text/plain; charset=utf-8): bad signature: [redacted] [redacted]"
                + " secret=[redacted] \\u202e\\u001b[31m");
    assertThat(lines.get(5)).matches(".*Z +attempt +2 +0 +delivered +200 +- +\\d+ ms");
    assertThat(lines.get(6)).isEqualTo("  response (application/json): {\"received\":true}");
    assertThat(lines.get(7)).isEqualTo("dead letters: 0");
    assertThat(lines).hasSize(8);

    assertThat(run("deliveries", "show", deliveryId, "--output", "json")).isEqualTo(ExitCodes.OK);
    assertThat(out.toString())
        .doesNotContain(SECRET)
        .doesNotContain("\u202e")
        .doesNotContain("\u001b");
    JsonNode json = new ObjectMapper().readTree(out.toString());
    JsonNode failed = json.get("history").get(0);
    assertThat(failed.get("response_content_type").asText()).isEqualTo("text/plain; charset=utf-8");
    assertThat(failed.get("response_snippet").asText())
        .isEqualTo("bad signature: [redacted] [redacted] secret=[redacted] \u202e\u001b[31m");
    assertThat(failed.has("response_truncated")).isFalse();
    assertThat(json.get("history").get(1).get("response_snippet").asText())
        .isEqualTo("{\"received\":true}");

    assertThat(run("deliveries", "list", "--webhook", webhookId)).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).contains(deliveryId).doesNotContain("received");
  }

  /** What {@code dlq replay} does: the dead letter's task again, replayed once, due now. */
  private void replay(ConsumerRecord<byte[], byte[]> deadLetter, Subscription subscription)
      throws Exception {
    FanoutConfig config = fanout.config();
    Event event =
        ((EventParser.Parsed)
                new EventParser(config.delivery().maxBodyBytes()).parse(deadLetter.value()))
            .event();
    Origin origin =
        new Origin(
            header(deadLetter, "fanout.source.topic"),
            Integer.parseInt(header(deadLetter, "fanout.source.partition")),
            Long.parseLong(header(deadLetter, "fanout.source.offset")),
            deadLetter.key(),
            Instant.parse(header(deadLetter, "fanout.source.timestamp")));
    DeliveryTask task =
        new DeliveryTask(
            event,
            subscription,
            header(deadLetter, "fanout.delivery.id"),
            origin,
            0,
            null,
            null,
            0,
            null,
            1);
    RetryTiers tiers =
        new RetryTiers(
            config.topics().retryPrefix(), config.retry().schedule(), config.retry().jitter());
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaClients(config.kafka(), "replay").durableProducer("replay")) {
      producer
          .send(RetryRecords.write(tiers.topic(tiers.smallest()), task, Instant.now()))
          .get(30, TimeUnit.SECONDS);
    }
  }
}
