package dev.fanout.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class DeadLetterFilterTest {
  private static final Instant AT = Instant.parse("2026-11-28T12:00:00Z");

  private static StoredDeadLetter deadLetter(
      long offset, String value, Map<String, String> headers) {
    RecordHeaders h = new RecordHeaders();
    headers.forEach((k, v) -> h.add(k, v.getBytes(StandardCharsets.UTF_8)));
    byte[] bytes = value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    return StoredDeadLetter.of(
        new ConsumerRecord<>(
            "dlq",
            1,
            offset,
            AT.toEpochMilli(),
            TimestampType.CREATE_TIME,
            0,
            0,
            null,
            bytes,
            h,
            Optional.empty()));
  }

  private static final StoredDeadLetter FAILED =
      deadLetter(
          7,
          "{\"id\":\"evt_1\",\"type\":\"job.failed\",\"space_id\":\"space_42\"}",
          Map.of(
              "fanout.reason", "http_status",
              "fanout.webhook.id", "wh_a",
              "fanout.source.topic", "jobs",
              "fanout.source.partition", "2",
              "fanout.source.offset", "40",
              "fanout.replays", "2",
              "traceparent", "00-abc"));

  @Test
  void decodesADeadLetter() {
    assertThat(FAILED.space()).isEqualTo("space_42");
    assertThat(FAILED.eventId()).isEqualTo("evt_1");
    assertThat(FAILED.eventType()).isEqualTo("job.failed");
    assertThat(FAILED.replays()).isEqualTo(2);
    assertThat(FAILED.isDelivery()).isTrue();
    assertThat(FAILED.origin().offset()).isEqualTo(40);
    assertThat(FAILED.origin().headers()).extracting(h -> h.key()).containsExactly("traceparent");
  }

  @Test
  void anUnreadableValueHasAnUnknownSpaceUnlessItNamesOne() {
    assertThat(deadLetter(0, "not json", Map.of()).space()).isEqualTo(StoredDeadLetter.UNKNOWN);
    assertThat(deadLetter(0, "{\"space_id\":\"s9\"}", Map.of()).space()).isEqualTo("s9");
    assertThat(deadLetter(0, null, Map.of()).isDelivery()).isFalse();
  }

  @Test
  void matchesOnlyWhenEveryGivenCriterionHolds() {
    assertThat(DeadLetterFilter.ALL.matches(FAILED)).isTrue();
    assertThat(filter("wh_a", "space_42", "http_status", "job.failed").matches(FAILED)).isTrue();
    assertThat(filter("wh_b", null, null, null).matches(FAILED)).isFalse();
    assertThat(filter(null, "space_7", null, null).matches(FAILED)).isFalse();
    assertThat(filter(null, null, "timeout", null).matches(FAILED)).isFalse();
    assertThat(filter(null, null, null, "job.succeeded").matches(FAILED)).isFalse();
  }

  @Test
  void sinceIsInclusiveUntilExclusiveAndOffsetsInclusive() {
    assertThat(new DeadLetterFilter(null, null, null, null, AT, null, null, null).matches(FAILED))
        .isTrue();
    assertThat(new DeadLetterFilter(null, null, null, null, null, AT, null, null).matches(FAILED))
        .isFalse();
    assertThat(new DeadLetterFilter(null, null, null, null, null, null, 7L, 7L).matches(FAILED))
        .isTrue();
    assertThat(new DeadLetterFilter(null, null, null, null, null, null, 8L, null).matches(FAILED))
        .isFalse();
  }

  @Test
  void refusesAnEmptyRange() {
    assertThatThrownBy(() -> new DeadLetterFilter(null, null, null, null, AT, AT, null, null))
        .hasMessageContaining("--since");
    assertThatThrownBy(() -> new DeadLetterFilter(null, null, null, null, null, null, 5L, 4L))
        .hasMessageContaining("--to-offset");
  }

  private static DeadLetterFilter filter(String webhook, String space, String reason, String type) {
    return new DeadLetterFilter(webhook, space, reason, type, null, null, null, null);
  }
}
