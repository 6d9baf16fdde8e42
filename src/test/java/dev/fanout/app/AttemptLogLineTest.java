package dev.fanout.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.delivery.AttemptLog;
import dev.fanout.delivery.DeliveryTask;
import dev.fanout.delivery.Outcome;
import dev.fanout.event.Event;
import dev.fanout.event.Origin;
import dev.fanout.signing.SigningSecret;
import dev.fanout.subscription.EventPattern;
import dev.fanout.subscription.Subscription;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The per-attempt log line, as the JSON log format writes it. */
class AttemptLogLineTest {
  private static final String SECRET = "whsec-attempt-log-secret-1234";
  private static final String BODY_MARKER = "body-marker-5521";
  private static final String TRACEPARENT =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  private final Logger logger =
      ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(AttemptLog.LOGGER);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final JsonLineEncoder encoder = new JsonLineEncoder();
  private Level previous;

  @BeforeEach
  void capture() {
    previous = logger.getLevel();
    logger.setLevel(Level.INFO);
    appender.start();
    logger.addAppender(appender);
    encoder.setContext(logger.getLoggerContext());
    encoder.start();
  }

  @AfterEach
  void release() {
    logger.detachAppender(appender);
    logger.setLevel(previous);
  }

  @Test
  void aRetriedAttemptIsOneFlatJsonLineWithIdsStatusLatencyAndTraceId() throws Exception {
    new AttemptLog()
        .attemptFinished(
            task(List.of(new Origin.Header("traceparent", TRACEPARENT.getBytes()))),
            new Outcome.Retry(
                "http_status", 503, null, "endpoint answered HTTP 503 " + SECRET, true),
            Duration.ofMillis(12));

    assertThat(appender.list).hasSize(1);
    byte[] line = encoder.encode(appender.list.get(0));
    String text = new String(line, StandardCharsets.UTF_8);
    assertThat(text).endsWith("}\n").doesNotContain("\": ").doesNotContain(", \"");
    assertThat(text.strip()).doesNotContain("\n");
    assertThat(text).doesNotContain(SECRET).doesNotContain(BODY_MARKER).doesNotContain("mdc");
    JsonNode json = new ObjectMapper().readTree(line);
    assertThat(json.get("loggerName").asText()).isEqualTo("dev.fanout.attempts");
    assertThat(json.get("level").asText()).isEqualTo("INFO");
    assertThat(json.get("event_id").asText()).isEqualTo("evt_7");
    assertThat(json.get("event_type").asText()).isEqualTo("job.failed");
    assertThat(json.get("webhook_id").asText()).isEqualTo("wh_abc");
    assertThat(json.get("delivery_id").asText()).startsWith("dlv_");
    assertThat(json.get("attempt").asInt()).isEqualTo(2);
    assertThat(json.get("outcome").asText()).isEqualTo("retry");
    assertThat(json.get("status").asInt()).isEqualTo(503);
    assertThat(json.get("error").asText()).isEqualTo("http_status");
    assertThat(json.get("latency_ms").asLong()).isEqualTo(12);
    assertThat(json.get("trace_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(json.get("formattedMessage").asText())
        .isEqualTo(
            "attempt 2 of "
                + json.get("delivery_id").asText()
                + " to wh_abc: retry (http_status 503, 12 ms)");
  }

  @Test
  void aDeliveredAttemptWithoutTraceHasNoTraceIdOrError() throws Exception {
    new AttemptLog()
        .attemptFinished(task(List.of()), new Outcome.Delivered(204), Duration.ofMillis(3));

    JsonNode json = new ObjectMapper().readTree(encoder.encode(appender.list.get(0)));
    assertThat(json.get("outcome").asText()).isEqualTo("delivered");
    assertThat(json.get("status").asInt()).isEqualTo(204);
    assertThat(json.has("trace_id")).isFalse();
    assertThat(json.has("error")).isFalse();
    assertThat(json.has("throwable")).isFalse();
  }

  @Test
  void isSilentWhenItsLoggerIsOff() {
    logger.setLevel(Level.OFF);

    new AttemptLog()
        .attemptFinished(task(List.of()), new Outcome.Delivered(200), Duration.ofMillis(3));

    assertThat(appender.list).isEmpty();
  }

  private static DeliveryTask task(List<Origin.Header> headers) {
    byte[] body =
        ("{\"id\":\"evt_7\",\"type\":\"job.failed\",\"space_id\":\"s\",\"data\":\""
                + BODY_MARKER
                + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    Subscription subscription =
        new Subscription(
            "wh_abc",
            "s",
            URI.create("https://hooks.example.com/y42?token=" + SECRET),
            List.of(new EventPattern("job.*")),
            true,
            new SigningSecret(SECRET),
            null,
            null,
            "",
            null,
            new byte[0]);
    Event event = new Event("evt_7", "job.failed", "s", null, body);
    Instant at = Instant.parse("2026-11-29T12:00:00Z");
    Origin origin = new Origin("jobs", 0, 12, null, at, headers);
    return DeliveryTask.first(event, subscription, origin)
        .afterAttempt(at.minusSeconds(5))
        .afterAttempt(at);
  }
}
