package dev.fanout.cli;

import static dev.fanout.testing.FanoutHarness.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.app.FanoutWorker;
import dev.fanout.signing.SecretCipher;
import dev.fanout.signing.SignatureVerifier;
import dev.fanout.signing.SigningSecret;
import dev.fanout.subscription.Subscription;
import dev.fanout.testing.FanoutHarness;
import dev.fanout.testing.TestReceiver;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The whole life of a webhook through the command line, against a running worker: each step is
 * checked by what the worker then delivers. "Not delivered" is asserted only after a sentinel
 * webhook (subscribed to everything) has received the same event, so the record was matched.
 */
class WebhookLifecycleIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String K1 = "k1:" + key(1);
  private static final String K2 = "k2:" + key(2);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private TestReceiver receiver;
  private FanoutHarness fanout;
  private String out;
  private String err;

  @BeforeEach
  void start() throws Exception {
    receiver = new TestReceiver();
    // The worker knows both keys throughout; the commands start with k1 first, then k2.
    fanout = new FanoutHarness(Map.of(), SecretCipher.parse(K1 + "," + K2));
    BaseCommand.environment = Map.of(SecretCipher.KEYS_VARIABLE, K1 + "," + K2);
    BaseCommand.clock = Clock.fixed(now, ZoneOffset.UTC);
  }

  @AfterEach
  void stop() throws Exception {
    BaseCommand.environment = System.getenv();
    BaseCommand.clock = Clock.systemUTC();
    fanout.close();
    receiver.close();
  }

  @Test
  void addGetPingUpdateDisableEnableRotateReencryptDelete() throws Exception {
    fanout.putWebhook(
        "wh_sentinel", FanoutHarness.SPACE, receiver.url("/sentinel"), "*", true, null);
    FanoutWorker worker = fanout.startWorker();

    // add, with a generated secret printed once
    String id = add(receiver.url("/a").toString(), "job.failed", "--generate-secret");
    SigningSecret first = new SigningSecret(secretPrinted());

    // get: every field and the version, the secret's date, never the secret
    assertThat(run("webhooks", "get", id)).isEqualTo(ExitCodes.OK);
    assertThat(out)
        .contains("version:         1")
        .contains("url:             " + receiver.url("/a"))
        .contains("secret:          set since " + now)
        .contains("previous secret: none")
        .doesNotContain(first.reveal());
    assertThat(run("webhooks", "get", id, "--output", "json")).isEqualTo(ExitCodes.OK);
    JsonNode json = JSON.readTree(out);
    assertThat(json.get("version").asLong()).isEqualTo(1);
    assertThat(json.get("signed").asBoolean()).isTrue();
    assertThat(json.get("secret_created_at").asText()).isEqualTo(now.toString());
    assertThat(out).doesNotContain(first.reveal());

    // ping: signed as a delivery, sent through the worker's sender
    assertThat(run("webhooks", "ping", id)).as(err).isEqualTo(ExitCodes.OK);
    assertThat(out).startsWith("HTTP 200 in ");
    TestReceiver.Request ping = receiver.requests("/a").get(0);
    assertThat(JSON.readTree(ping.body()).get("type").asText()).isEqualTo("webhook.ping");
    assertThat(SignatureVerifier.verifyY42(first, ping.body(), ping.header("x-y42-signature")))
        .isTrue();
    assertThat(verifyStandard(first, ping)).isTrue();

    // update: a new URL and events, at the next version
    assertThat(
            run(
                "webhooks",
                "update",
                id,
                "--url",
                receiver.url("/b").toString(),
                "--events",
                "job.*"))
        .as(err)
        .isEqualTo(ExitCodes.OK);
    awaitWebhook(worker, id, s -> s.url().getPath().equals("/b"));
    assertThat(run("webhooks", "get", id)).isEqualTo(ExitCodes.OK);
    assertThat(out).contains("version:         2").contains("events:          job.*");
    produceAndAwaitSentinel("evt_1", "job.succeeded");
    await().atMost(WAIT).until(() -> receiver.eventIds("/b").contains("evt_1"));

    // disable: the worker stops delivering to it
    assertThat(run("webhooks", "disable", id)).isEqualTo(ExitCodes.OK);
    awaitWebhook(worker, id, s -> !s.enabled());
    produceAndAwaitSentinel("evt_2", "job.failed");
    assertThat(receiver.eventIds("/b")).containsExactly("evt_1");

    // enable: delivered again
    assertThat(run("webhooks", "enable", id)).isEqualTo(ExitCodes.OK);
    awaitWebhook(worker, id, Subscription::enabled);
    produceAndAwaitSentinel("evt_3", "job.failed");
    await().atMost(WAIT).until(() -> receiver.eventIds("/b").contains("evt_3"));

    // rotate-secret: two webhook-signature entries while the grace lasts
    assertThat(run("webhooks", "rotate-secret", id, "--grace", "24h")).isEqualTo(ExitCodes.OK);
    assertThat(out).contains("previous secret: accepted until " + now.plus(Duration.ofHours(24)));
    SigningSecret second = new SigningSecret(secretPrinted());
    awaitWebhook(worker, id, s -> s.previousSecret() != null);
    produceAndAwaitSentinel("evt_4", "job.failed");
    TestReceiver.Request rotated = awaitDelivery("/b", "evt_4");
    assertSignedDuringGrace(rotated, first, second);
    assertThat(run("webhooks", "get", id)).isEqualTo(ExitCodes.OK);
    assertThat(out)
        .contains("version:         5")
        .contains("previous secret: accepted until " + now.plus(Duration.ofHours(24)));

    // secrets reencrypt: k2 put first; both secrets move under it and still sign
    BaseCommand.environment = Map.of(SecretCipher.KEYS_VARIABLE, K2 + "," + K1);
    assertThat(run("secrets", "reencrypt", "--dry-run")).isEqualTo(ExitCodes.OK);
    assertThat(out).isEqualTo("would re-encrypt " + id + "\n1 webhook(s) to re-encrypt\n");
    assertThat(run("secrets", "reencrypt")).as(err).isEqualTo(ExitCodes.OK);
    assertThat(out).isEqualTo("re-encrypted " + id + "\n1 webhook(s) re-encrypted\n");
    JsonNode stored = JSON.readTree(lastRecord(id));
    assertThat(stored.get("secret").get("key_id").asText()).isEqualTo("k2");
    assertThat(stored.get("previous_secret").get("key_id").asText()).isEqualTo("k2");
    assertThat(stored.get("version").asLong()).isEqualTo(6);
    awaitWebhook(worker, id, s -> s.source() != null && new String(s.source()).contains("\"k2\""));
    produceAndAwaitSentinel("evt_5", "job.failed");
    assertSignedDuringGrace(awaitDelivery("/b", "evt_5"), first, second);
    assertThat(run("secrets", "reencrypt")).isEqualTo(ExitCodes.OK);
    assertThat(out).isEqualTo("0 webhook(s) re-encrypted\n");

    // delete
    assertThat(run("webhooks", "delete", id)).isEqualTo(ExitCodes.OK);
    await().atMost(WAIT).until(() -> worker.subscriptions().get(id).isEmpty());
    produceAndAwaitSentinel("evt_6", "job.failed");
    assertThat(receiver.eventIds("/b")).doesNotContain("evt_6", "evt_2");
  }

  @Test
  void aWebhookWhoseKeyIsGoneCanStillBeDisabledWhichEndsItsDeadLetters() throws Exception {
    fanout.putWebhook(
        "wh_sentinel", FanoutHarness.SPACE, receiver.url("/sentinel"), "*", true, null);
    // Encrypted under k1 (the commands' first key); the worker knows k2 only.
    String id = add(receiver.url("/locked").toString(), "job.failed", "--generate-secret");
    FanoutWorker worker = fanout.startWorker(fanout.config(), SecretCipher.parse(K2));
    produceAndAwaitSentinel("evt_1", "job.failed");
    List<ConsumerRecord<byte[], byte[]>> dead = fanout.deadLetters(1, WAIT);
    assertThat(FanoutHarness.header(dead.get(0), "fanout.reason")).isEqualTo("secret_unavailable");
    assertThat(worker.ready()).isFalse();

    BaseCommand.environment = Map.of(SecretCipher.KEYS_VARIABLE, K2);
    assertThat(run("webhooks", "disable", id)).as(err).isEqualTo(ExitCodes.OK);
    assertThat(run("webhooks", "enable", id)).isEqualTo(ExitCodes.FAILURE);
    assertThat(err).contains("its secret cannot be read");

    awaitWebhook(worker, id, s -> !s.enabled());
    await().atMost(WAIT).until(worker::ready);
    assertThat(worker.registry().get("fanout.subscriptions.unreadable").gauge().value()).isZero();
    assertThat(receiver.requests("/locked")).isEmpty();
  }

  @Test
  void refusesBadChangesWithAClearMessage() {
    assertThat(run("webhooks", "update", "wh_nope", "--description", "x"))
        .isEqualTo(ExitCodes.FAILURE);
    assertThat(err).isEqualTo("fanout: no webhook wh_nope\n");
    assertThat(run("webhooks", "update", "wh_nope")).isEqualTo(ExitCodes.USAGE);
    assertThat(err).contains("give at least one of --url");
    assertThat(run("webhooks", "update", "wh_nope", "--url", "ftp://x.invalid/"))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err).contains("--url: url must be http or https");
    assertThat(run("webhooks", "rotate-secret", "wh_nope", "--grace", "31d"))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err).contains("--grace: at most 30d");
    assertThat(run("webhooks", "update", "wh_nope", "--rate-limit", "3", "--no-rate-limit"))
        .isEqualTo(ExitCodes.USAGE);
    BaseCommand.environment = Map.of();
    assertThat(run("secrets", "reencrypt")).isEqualTo(ExitCodes.FAILURE);
    assertThat(err)
        .isEqualTo(
            "fanout: FANOUT_SECRET_KEYS holds no key: there is no key to re-encrypt secrets"
                + " under\n");
  }

  @Test
  void printsControlCharactersOfStoredFieldsAsVisibleEscapes() throws Exception {
    String id =
        add(
            "https://hooks.example.invalid/y42",
            "*",
            "--description",
            "\u001b]0;owned\u0007 \u202eevil");

    assertThat(run("webhooks", "get", id)).isEqualTo(ExitCodes.OK);
    assertThat(out)
        .contains("description:     \\u001b]0;owned\\u0007 \\u202eevil")
        .doesNotContain("\u001b")
        .doesNotContain("\u202e");
    assertThat(out).contains("secret:          none (requests are unsigned)");
  }

  @Test
  void pingFailsWithExitCode1WhenTheEndpointDoesNotAnswer2xx() throws Exception {
    receiver.answer("/down", 503);
    String id = add(receiver.url("/down").toString(), "*");

    assertThat(run("webhooks", "ping", id)).isEqualTo(ExitCodes.FAILURE);
    assertThat(out).startsWith("HTTP 503 in ");
  }

  private void assertSignedDuringGrace(
      TestReceiver.Request request, SigningSecret previous, SigningSecret current) {
    String[] signatures = request.header("webhook-signature").split(" ");
    assertThat(signatures).hasSize(2);
    TestReceiver.Request onlyFirst = withSignature(request, signatures[0]);
    TestReceiver.Request onlySecond = withSignature(request, signatures[1]);
    assertThat(verifyStandard(current, onlyFirst)).isTrue();
    assertThat(verifyStandard(previous, onlySecond)).isTrue();
    assertThat(
            SignatureVerifier.verifyY42(current, request.body(), request.header("x-y42-signature")))
        .isTrue();
    assertThat(
            SignatureVerifier.verifyY42(
                previous, request.body(), request.header("x-y42-signature")))
        .isFalse();
  }

  private static TestReceiver.Request withSignature(TestReceiver.Request r, String signature) {
    Map<String, String> headers = new java.util.TreeMap<>(r.headers());
    headers.put("webhook-signature", signature);
    return new TestReceiver.Request(r.path(), headers, r.body(), r.receivedAt(), r.status());
  }

  private static boolean verifyStandard(SigningSecret secret, TestReceiver.Request r) {
    return SignatureVerifier.verifyStandard(
        secret,
        r.header("webhook-id"),
        r.header("webhook-timestamp"),
        r.body(),
        r.header("webhook-signature"),
        // Judged against when it arrived: a ping is stamped by the command's clock, fixed at the
        // test's start, so the tolerance covers the test's length.
        r.receivedAt(),
        Duration.ofMinutes(5));
  }

  private String secretPrinted() {
    return out.lines()
        .filter(l -> l.startsWith("secret: "))
        .map(l -> l.substring("secret: ".length()))
        .findFirst()
        .orElseThrow();
  }

  private TestReceiver.Request awaitDelivery(String path, String eventId) {
    await().atMost(WAIT).until(() -> receiver.eventIds(path).contains(eventId));
    return receiver.requests(path).stream()
        .filter(r -> r.eventId().equals(eventId))
        .findFirst()
        .orElseThrow();
  }

  private byte[] lastRecord(String id) {
    List<ConsumerRecord<byte[], byte[]>> records =
        fanout.readToEnd(fanout.config().topics().webhooks());
    byte[] last = null;
    for (ConsumerRecord<byte[], byte[]> r : records) {
      if (Arrays.equals(r.key(), id.getBytes(StandardCharsets.UTF_8))) {
        last = r.value();
      }
    }
    return last;
  }

  private static void awaitWebhook(FanoutWorker worker, String id, Predicate<Subscription> test) {
    await().atMost(WAIT).until(() -> worker.subscriptions().get(id).filter(test).isPresent());
  }

  private void produceAndAwaitSentinel(String eventId, String type) {
    fanout.produceEvent(fanout.jobsTopic(), event(eventId, type));
    await().atMost(WAIT).until(() -> receiver.eventIds("/sentinel").contains(eventId));
  }

  /** Adds a webhook of {@link FanoutHarness#SPACE} and returns its id (the first line printed). */
  private String add(String url, String events, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "webhooks",
                "add",
                "--space",
                FanoutHarness.SPACE,
                "--url",
                url,
                "--events",
                events));
    args.addAll(List.of(more));
    assertThat(run(args.toArray(String[]::new))).as(err).isEqualTo(ExitCodes.OK);
    return out.lines().findFirst().orElseThrow();
  }

  private int run(String... command) {
    StringWriter outText = new StringWriter();
    StringWriter errText = new StringWriter();
    List<String> args = new ArrayList<>();
    args.addAll(List.of("--bootstrap-servers", fanout.config().kafka().bootstrapServers()));
    for (String key :
        List.of(
            "topics.events",
            "topics.webhooks",
            "topics.dlq",
            "topics.retry-prefix",
            "topics.attempts",
            "delivery.allowed-networks",
            "delivery.request-timeout")) {
      args.addAll(List.of("--set", key + "=" + fanout.config().raw().get(key)));
    }
    args.addAll(List.of(command));
    CommandLine cli = FanoutCommand.commandLine();
    cli.setOut(new PrintWriter(outText, true));
    cli.setErr(new PrintWriter(errText, true));
    int code = cli.execute(args.toArray(String[]::new));
    out = outText.toString();
    err = errText.toString();
    return code;
  }

  private static String key(int fill) {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) fill);
    return java.util.Base64.getEncoder().encodeToString(key);
  }
}
