package dev.fanout.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventParserTest {
  private static final String VALID =
      "{\"id\": \"evt_123\", \"type\": \"job.failed\", \"space_id\": \"space_42\",\n"
          + " \"occurred_at\": \"2026-11-28T12:00:00Z\","
          + " \"data\": {\"job\": \"daily_revenue\", \"run_id\": \"r_9\"}}";

  private final EventParser parser = new EventParser(1024);

  @Test
  void parsesValidEnvelope() {
    Event event = parsed(VALID);

    assertThat(event.id()).isEqualTo("evt_123");
    assertThat(event.type()).isEqualTo("job.failed");
    assertThat(event.spaceId()).isEqualTo("space_42");
    assertThat(event.occurredAt()).isEqualTo(Instant.parse("2026-11-28T12:00:00Z"));
  }

  @Test
  void keepsTheBodyByteForByte() {
    // Odd spacing, key order and unicode escapes must survive: the signature covers these bytes.
    String text =
        "{ \"data\" : {\"note\":\"caf\\u00e9 \u00e9\"} ,\"space_id\":\"s\",  \"type\":\"t\","
            + "\"id\":\"e\" }";
    byte[] value = text.getBytes(StandardCharsets.UTF_8);
    byte[] copy = value.clone();

    Event event = ((EventParser.Parsed) parser.parse(value)).event();

    assertThat(event.body()).containsExactly(copy);
  }

  @Test
  void acceptsFieldsInAnyOrderAndIgnoresUnknownOnes() {
    Event event =
        parsed(
            "{\"extra\": [1, {\"id\": \"nested\"}], \"space_id\": \"s\", \"type\": \"t\","
                + " \"id\": \"e\", \"more\": null}");

    assertThat(event.id()).isEqualTo("e");
    assertThat(event.spaceId()).isEqualTo("s");
  }

  @Test
  void doesNotTakeIdFromNestedObject() {
    EventParser.Rejected rejected =
        rejected("{\"data\": {\"id\": \"inner\"}, \"type\": \"t\", \"space_id\": \"s\"}");

    assertThat(rejected.reason()).isEqualTo("invalid_event");
    assertThat(rejected.message()).contains("id");
  }

  @ParameterizedTest
  @ValueSource(strings = {"id", "type", "space_id"})
  void rejectsEnvelopeMissingRequiredField(String field) {
    String json = VALID.replace("\"" + field + "\"", "\"other_" + field + "\"");

    EventParser.Rejected rejected = rejected(json);

    assertThat(rejected.reason()).isEqualTo("invalid_event");
    assertThat(rejected.message()).endsWith(field);
  }

  @ParameterizedTest
  @ValueSource(strings = {"id", "type", "space_id"})
  void rejectsEnvelopeWithEmptyRequiredField(String field) {
    String json = "{\"id\": \"e\", \"type\": \"t\", \"space_id\": \"s\"}";
    json = json.replaceFirst("\"" + field + "\": \"[a-z]\"", "\"" + field + "\": \"\"");

    EventParser.Rejected rejected = rejected(json);

    assertThat(rejected.reason()).isEqualTo("invalid_event");
    assertThat(rejected.message()).endsWith(field);
  }

  @Test
  void rejectsRequiredFieldThatIsNotAString() {
    EventParser.Rejected rejected = rejected("{\"id\": 123, \"type\": \"t\", \"space_id\": \"s\"}");

    assertThat(rejected.reason()).isEqualTo("invalid_event");
  }

  @Test
  void rejectsRequiredFieldThatIsAnObject() {
    assertThat(rejected("{\"id\": {\"x\": \"y\"}, \"type\": \"t\", \"space_id\": \"s\"}").reason())
        .isEqualTo("invalid_event");
  }

  @ParameterizedTest
  @ValueSource(strings = {"[1, 2]", "\"text\"", "42", "null", "true"})
  void rejectsJsonThatIsNotAnObject(String json) {
    EventParser.Rejected rejected = rejected(json);

    assertThat(rejected.reason()).isEqualTo("invalid_event");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"id\": \"e\", \"type\": \"t\", \"space_id\": \"s\"} garbage",
        "{\"id\": \"e\", \"type\": \"t\", \"space_id\": \"s\"} {}",
        "{\"id\": \"e\", \"type\": \"t\", \"space_id\": \"s\"}}",
        "{\"id\": \"e\", \"type\": \"t\", \"space_id\": \"s\"",
        "{\"id\": \"e\", \"type\": \"t\", \"space_id\": }",
        "not json at all"
      })
  void rejectsTrailingGarbageAndBrokenJson(String json) {
    assertThat(rejected(json).reason()).isEqualTo("invalid_event");
  }

  @Test
  void rejectsEmptyValue() {
    assertThat(((EventParser.Rejected) parser.parse(new byte[0])).reason())
        .isEqualTo("invalid_event");
    assertThat(((EventParser.Rejected) parser.parse(null)).reason()).isEqualTo("invalid_event");
  }

  @Test
  void rejectsValueLargerThanMaximumAsPayloadTooLarge() {
    String padding = "x".repeat(1024);
    String json =
        "{\"id\": \"e\", \"type\": \"t\", \"space_id\": \"s\", \"pad\": \"" + padding + "\"}";

    EventParser.Rejected rejected = rejected(json);

    assertThat(rejected.reason()).isEqualTo("payload_too_large");
    assertThat(rejected.message()).contains("1024");
  }

  @Test
  void acceptsValueOfExactlyTheMaximumSize() {
    String base = "{\"id\": \"e\", \"type\": \"t\", \"space_id\": \"s\", \"pad\": \"\"}";
    String json =
        base.replace("\"pad\": \"\"", "\"pad\": \"" + "x".repeat(1024 - base.length()) + "\"");

    assertThat(json.getBytes(StandardCharsets.UTF_8)).hasSize(1024);
    assertThat(parser.parse(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(EventParser.Parsed.class);
  }

  @Test
  void unparseableOccurredAtGivesNullInsteadOfRejection() {
    Event event =
        parsed(
            "{\"id\": \"e\", \"type\": \"t\", \"space_id\": \"s\", \"occurred_at\": \"yesterday\"}");

    assertThat(event.occurredAt()).isNull();
    assertThat(event.id()).isEqualTo("e");
  }

  @Test
  void nonStringOccurredAtGivesNull() {
    Event event =
        parsed(
            "{\"id\": \"e\", \"type\": \"t\", \"space_id\": \"s\", \"occurred_at\": 1700000000}");

    assertThat(event.occurredAt()).isNull();
  }

  @Test
  void missingOccurredAtGivesNull() {
    assertThat(parsed("{\"id\": \"e\", \"type\": \"t\", \"space_id\": \"s\"}").occurredAt())
        .isNull();
  }

  private Event parsed(String json) {
    EventParser.Result result = parser.parse(json.getBytes(StandardCharsets.UTF_8));
    assertThat(result).isInstanceOf(EventParser.Parsed.class);
    return ((EventParser.Parsed) result).event();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"id\":\"e\",\"type\":\"job.failed\",\"space_id\":\"a\",\"space_id\":\"b\"}",
        "{\"id\":\"e\",\"id\":\"f\",\"type\":\"job.failed\",\"space_id\":\"a\"}",
        "{\"id\":\"e\",\"type\":\"job.failed\",\"space_id\":\"a\",\"data\":{\"x\":1,\"x\":2}}"
      })
  void refusesAKeyGivenTwice(String json) {
    EventParser.Rejected rejected = rejected(json);

    assertThat(rejected.reason()).isEqualTo("invalid_event");
    assertThat(rejected.message()).isEqualTo("event has a duplicate key");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"job\\r\\nx-injected: 1", "job failed", "job.*", ".job", "j\u00f6b", "job\\u0000"})
  void refusesATypeThatCannotGoIntoAHeader(String type) {
    EventParser.Rejected rejected =
        rejected("{\"id\":\"e\",\"type\":\"" + type + "\",\"space_id\":\"a\"}");

    assertThat(rejected.reason()).isEqualTo("invalid_event");
    assertThat(rejected.message()).startsWith("event type must be");
  }

  @Test
  void boundsTheLengthOfIdsAndTypes() {
    String id256 = "e".repeat(256);
    String type128 = "t".repeat(128);
    assertThat(
            parsed(
                    "{\"id\":\""
                        + id256
                        + "\",\"type\":\""
                        + type128
                        + "\",\"space_id\":\""
                        + id256
                        + "\"}")
                .id())
        .hasSize(256);

    EventParser wide = new EventParser(4096);
    assertThat(
            wide.parse(
                ("{\"id\":\"" + id256 + "e\",\"type\":\"t\",\"space_id\":\"a\"}")
                    .getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            EventParser.Rejected.class, r -> assertThat(r.message()).startsWith("event id must"));
    assertThat(
            wide.parse(
                ("{\"id\":\"e\",\"type\":\"" + type128 + "t\",\"space_id\":\"a\"}")
                    .getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            EventParser.Rejected.class, r -> assertThat(r.message()).startsWith("event type must"));
    assertThat(
            wide.parse(
                "{\"id\":\"e\",\"type\":\"t\",\"space_id\":\"a b\"}"
                    .getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            EventParser.Rejected.class,
            r -> assertThat(r.message()).startsWith("event space_id must"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"job.failed", "orchestration.run.finished", "JobFailed", "v1/job:failed", "a_b-c"})
  void acceptsTypesOfLettersDigitsAndPunctuation(String type) {
    assertThat(parsed("{\"id\":\"e\",\"type\":\"" + type + "\",\"space_id\":\"a\"}").type())
        .isEqualTo(type);
  }

  private EventParser.Rejected rejected(String json) {
    EventParser.Result result = parser.parse(json.getBytes(StandardCharsets.UTF_8));
    assertThat(result).isInstanceOf(EventParser.Rejected.class);
    return (EventParser.Rejected) result;
  }
}
