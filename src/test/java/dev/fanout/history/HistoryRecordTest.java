package dev.fanout.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.deadletter.DeadLetter;
import dev.fanout.delivery.DeliveryTask;
import dev.fanout.delivery.Outcome;
import dev.fanout.delivery.ResponseSnippet;
import dev.fanout.event.Event;
import dev.fanout.event.Origin;
import dev.fanout.signing.SigningSecret;
import dev.fanout.subscription.EventPattern;
import dev.fanout.subscription.Subscription;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryRecordTest {
  private static final String SECRET = "whsec-very-secret-value-9876";
  private static final String BODY_MARKER = "body-marker-42";
  private static final Instant STARTED = Instant.parse("2026-11-29T12:00:00.250Z");
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:05Z");

  private final List<HistoryRecord> written = new ArrayList<>();
  private final HistoryListener listener =
      new HistoryListener(
          new HistoryWriter() {
            @Override
            public void append(HistoryRecord record) {
              written.add(record);
            }

            @Override
            public void close() {}
          },
          Clock.fixed(NOW, ZoneOffset.UTC));

  private static DeliveryTask task() {
    byte[] body =
        ("{\"id\":\"evt_7\",\"type\":\"job.failed\",\"space_id\":\"s\",\"data\":\""
                + BODY_MARKER
                + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    Subscription subscription =
        new Subscription(
            "wh_abc",
            "s",
            URI.create("https://hooks.example.com/y42"),
            List.of(new EventPattern("job.*")),
            true,
            new SigningSecret(SECRET),
            null,
            null,
            "",
            null,
            new byte[0]);
    Event event = new Event("evt_7", "job.failed", "s", null, body);
    Origin origin = new Origin("jobs", 0, 12, null, STARTED);
    DeliveryTask first = DeliveryTask.first(event, subscription, origin);
    return first.afterAttempt(STARTED.minusSeconds(5)).afterAttempt(STARTED);
  }

  private static JsonNode json(HistoryRecord r) throws Exception {
    return new ObjectMapper().readTree(HistoryCodec.encode(r));
  }

  @Test
  void aFailedAttemptIsOneFlatJsonObjectWithoutSecretOrBody() throws Exception {
    DeliveryTask task = task();
    listener.attemptFinished(
        task,
        new Outcome.Retry("http_status", 503, null, "endpoint answered HTTP 503", true),
        Duration.ofMillis(37));

    assertThat(written).hasSize(1);
    byte[] bytes = HistoryCodec.encode(written.get(0));
    String text = new String(bytes, StandardCharsets.UTF_8);
    assertThat(text).doesNotContain(SECRET).doesNotContain(BODY_MARKER);
    JsonNode node = new ObjectMapper().readTree(bytes);
    List<String> fields = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      fields.add(it.next());
    }
    assertThat(fields)
        .containsExactly(
            "kind",
            "delivery_id",
            "webhook_id",
            "event_id",
            "event_type",
            "attempt",
            "replays",
            "outcome",
            "status",
            "error",
            "message",
            "latency_ms",
            "at");
    assertThat(node.get("kind").asText()).isEqualTo("attempt");
    assertThat(node.get("delivery_id").asText()).isEqualTo(task.deliveryId()).startsWith("dlv_");
    assertThat(node.get("webhook_id").asText()).isEqualTo("wh_abc");
    assertThat(node.get("event_id").asText()).isEqualTo("evt_7");
    assertThat(node.get("event_type").asText()).isEqualTo("job.failed");
    assertThat(node.get("attempt").asInt()).isEqualTo(2);
    assertThat(node.get("replays").asInt()).isEqualTo(0);
    assertThat(node.get("outcome").asText()).isEqualTo("retry");
    assertThat(node.get("status").asInt()).isEqualTo(503);
    assertThat(node.get("error").asText()).isEqualTo("http_status");
    assertThat(node.get("message").asText()).isEqualTo("endpoint answered HTTP 503");
    assertThat(node.get("latency_ms").asLong()).isEqualTo(37);
    assertThat(node.get("at").asText()).isEqualTo("2026-11-29T12:00:00.250Z");
    assertThat(HistoryCodec.decode(bytes)).isEqualTo(written.get(0));
  }

  @Test
  void aDeliveredAttemptHasNoErrorFields() throws Exception {
    listener.attemptFinished(task(), new Outcome.Delivered(204), Duration.ofMillis(5));

    JsonNode node = json(written.get(0));
    assertThat(node.get("outcome").asText()).isEqualTo("delivered");
    assertThat(node.get("status").asInt()).isEqualTo(204);
    assertThat(node.has("error")).isFalse();
    assertThat(node.has("message")).isFalse();
  }

  @Test
  void capsTheMessageAt256Characters() throws Exception {
    String longMessage = "x".repeat(5000);
    listener.attemptFinished(
        task(), new Outcome.Retry("connect", 0, null, longMessage, true), Duration.ofMillis(1));

    JsonNode node = json(written.get(0));
    assertThat(node.get("message").asText()).hasSize(256).startsWith("xxxx").endsWith("…");
    assertThat(node.get("status").asInt()).isEqualTo(0);
  }

  @Test
  void escapesWhatJsonRequiresAndReadsItBack() throws Exception {
    String odd = "quote \" backslash \\ newline \n tab \t bell \u0007 é";
    listener.attemptFinished(
        task(), new Outcome.Retry("connect", 0, null, odd, true), Duration.ofMillis(1));

    assertThat(json(written.get(0)).get("message").asText()).isEqualTo(odd);
    assertThat(HistoryCodec.decode(HistoryCodec.encode(written.get(0)))).isEqualTo(written.get(0));
  }

  @Test
  void anAttemptCarriesTheStartOfTheResponseAndReadsItBack() throws Exception {
    String answer = "upstream \"db\" down\n\u0007\u009b\u202e é \uFFFD";
    listener.attemptFinished(
        task(),
        new Outcome.Retry("http_status", 500, null, "endpoint answered HTTP 500", true),
        Duration.ofMillis(9),
        new ResponseSnippet("text/plain; charset=utf-8", answer, true));

    HistoryRecord record = written.get(0);
    JsonNode node = json(record);
    assertThat(node.get("response_content_type").asText()).isEqualTo("text/plain; charset=utf-8");
    assertThat(node.get("response_snippet").asText()).isEqualTo(answer);
    assertThat(node.get("response_truncated").asBoolean()).isTrue();
    assertThat(HistoryCodec.decode(HistoryCodec.encode(record))).isEqualTo(record);
    assertThat(record.response())
        .isEqualTo(new ResponseSnippet("text/plain; charset=utf-8", answer, true));
  }

  @Test
  void aWholeResponseWithoutContentTypeHasOnlyItsSnippet() throws Exception {
    listener.attemptFinished(
        task(),
        new Outcome.Delivered(200),
        Duration.ofMillis(2),
        new ResponseSnippet(null, "{\"ok\":true}", false));

    JsonNode node = json(written.get(0));
    assertThat(node.get("response_snippet").asText()).isEqualTo("{\"ok\":true}");
    assertThat(node.has("response_content_type")).isFalse();
    assertThat(node.has("response_truncated")).isFalse();
    assertThat(HistoryCodec.decode(HistoryCodec.encode(written.get(0)))).isEqualTo(written.get(0));
  }

  @Test
  void anAttemptWithoutResponseHasNoResponseFields() throws Exception {
    listener.attemptFinished(
        task(),
        new Outcome.Retry("timeout", 0, null, "timed out", true),
        Duration.ofMillis(2),
        null);

    JsonNode node = json(written.get(0));
    assertThat(node.has("response_snippet")).isFalse();
    assertThat(HistoryCodec.decode(HistoryCodec.encode(written.get(0))).response()).isNull();
  }

  @Test
  void theJsonGeneratorWritesTheSameResponseFields() throws Exception {
    ResponseSnippet response = new ResponseSnippet("application/json", "{\"error\":1}", true);
    listener.attemptFinished(
        task(),
        new Outcome.Retry("http_status", 502, null, "endpoint answered HTTP 502", true),
        Duration.ofMillis(3),
        response);
    StringWriter text = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(text)) {
      HistoryCodec.write(g, written.get(0));
    }

    assertThat(HistoryCodec.decode(text.toString().getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(written.get(0));
  }

  @Test
  void aDeadLetterRecordCarriesTheReasonAndTheAttemptsMade() throws Exception {
    DeliveryTask task = task();
    listener.deadLettered(
        new DeadLetter(
            task.origin(),
            task.event().body(),
            "expired",
            "wh_abc",
            task.deliveryId(),
            "evt_7",
            "job.failed",
            500,
            "endpoint answered HTTP 500",
            2,
            STARTED.minusSeconds(5),
            STARTED,
            1));

    JsonNode node = json(written.get(0));
    assertThat(node.get("kind").asText()).isEqualTo("dead_letter");
    assertThat(node.get("outcome").asText()).isEqualTo("dead_lettered");
    assertThat(node.get("error").asText()).isEqualTo("expired");
    assertThat(node.get("attempt").asInt()).isEqualTo(2);
    assertThat(node.get("replays").asInt()).isEqualTo(1);
    assertThat(node.get("at").asText()).isEqualTo("2026-11-29T12:00:05Z");
  }

  @Test
  void anUnreadableEventWritesNoHistory() {
    listener.deadLettered(
        DeadLetter.unusableEvent(
            new Origin("jobs", 0, 1, null, STARTED), new byte[0], "invalid_event", "bad"));

    assertThat(written).isEmpty();
  }

  @Test
  void aHoldIsRecordedWithItsReasonAndWait() throws Exception {
    listener.held(task(), "circuit_open", Duration.ofSeconds(30));

    JsonNode node = json(written.get(0));
    assertThat(node.get("kind").asText()).isEqualTo("hold");
    assertThat(node.get("outcome").asText()).isEqualTo("circuit_open");
    assertThat(node.get("latency_ms").asLong()).isEqualTo(30_000);
  }

  @Test
  void writesTimesAsInstantToStringDoesAcrossSecondsAndPrecisions() {
    Instant base = Instant.parse("2026-11-30T23:59:59Z");
    for (Instant at :
        List.of(
            base,
            base.plusMillis(7),
            base.plusNanos(120_000),
            base.plusNanos(5),
            base.plusMillis(999).plusNanos(999_999),
            base.plusSeconds(1),
            base.plusSeconds(1).plusMillis(100),
            base.minusSeconds(86_400 * 400L).plusNanos(10_000_000),
            Instant.EPOCH)) {
      StringBuilder json = new StringBuilder();
      HistoryCodec.instant(json, at);
      assertThat(json.toString()).isEqualTo(at.toString());
    }
  }

  @Test
  void escapesQuotesBackslashesAndControlsAndKeepsOtherText() throws Exception {
    HistoryRecord r =
        new HistoryRecord(
            HistoryRecord.ATTEMPT,
            "dlv_1",
            "wh_1",
            "evt_\"quoted\" \\ back\u0001",
            "job.failed",
            1,
            0,
            HistoryRecord.RETRY,
            500,
            "http_status",
            "line\nbreak\ttab é",
            12,
            Instant.parse("2026-11-30T10:00:00.123456Z"),
            new ResponseSnippet("text/plain", "{\"a\":\"\\u001b\"}\r\n", true));
    assertThat(HistoryCodec.decode(HistoryCodec.encode(r))).isEqualTo(r);
  }
}
