package dev.fanout.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.fanout.delivery.ResponseSnippet;
import dev.fanout.history.DeadLetterEntry;
import dev.fanout.history.DeliveryHistory;
import dev.fanout.history.DeliveryStory;
import dev.fanout.history.HistoryCodec;
import dev.fanout.history.HistoryRecord;
import dev.fanout.text.SafeText;
import java.io.StringWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code fanout deliveries show}: one delivery's whole story, across retries, dead letters and
 * replays. Under each attempt that kept the start of its response, one line with it, escaped
 * ({@link SafeText}).
 */
@Command(
    name = "show",
    description =
        "Every attempt (with the start of its response, when kept), hold and dead letter of one"
            + " delivery, in order, and its dead-letter records.")
final class DeliveriesShowCommand extends BaseCommand {
  @Parameters(paramLabel = "DELIVERY_ID", description = "Delivery id (dlv_...).")
  String deliveryId;

  @Mixin OutputOption output;

  @Override
  public Integer call() throws Exception {
    DeliveryStory story;
    try (DeliveryHistory history = DeliveriesCommand.open(config())) {
      story = history.story(deliveryId, err()::println);
    }
    if (story.isEmpty()) {
      throw new CommandFailure("no history of delivery " + deliveryId);
    }
    if (output.json()) {
      out().println(json(story));
      return ExitCodes.OK;
    }
    HistoryRecord first = story.history().isEmpty() ? null : story.history().get(0);
    out().println("delivery " + deliveryId);
    if (first != null) {
      out()
          .printf(
              "webhook %s, event %s (%s)%n", first.webhookId(), first.eventId(), first.eventType());
    }
    String format = "%-30s %-12s %7s %6s %-14s %6s %-16s %s%n";
    out()
        .printf(format, "AT", "KIND", "ATTEMPT", "REPLAY", "OUTCOME", "STATUS", "ERROR", "LATENCY");
    for (HistoryRecord r : story.history()) {
      out()
          .printf(
              format,
              r.at(),
              r.kind(),
              r.attempt(),
              r.replays(),
              r.outcome(),
              r.status() == 0 ? "-" : Integer.toString(r.status()),
              r.error() == null ? "-" : r.error(),
              r.kind().equals(HistoryRecord.DEAD_LETTER) ? "-" : r.latencyMillis() + " ms");
      if (r.response() != null) {
        out()
            .println(
                "  response" + about(r.response()) + ": " + SafeText.escape(r.response().text()));
      }
    }
    out().println("dead letters: " + story.deadLetters().size());
    for (DeadLetterEntry d : story.deadLetters()) {
      out()
          .printf(
              "  %s %s-%d@%d reason %s, %d attempts, %d replays, status %s: %s%n",
              d.at(),
              d.topic(),
              d.partition(),
              d.offset(),
              d.reason(),
              d.attempts(),
              d.replays(),
              d.httpStatus() == 0 ? "-" : Integer.toString(d.httpStatus()),
              d.error() == null ? "-" : d.error());
    }
    return ExitCodes.OK;
  }

  /** {@code " (text/plain, truncated)"}: what is known of the body besides its start. */
  private static String about(ResponseSnippet response) {
    String type = response.contentType() == null ? null : SafeText.escape(response.contentType());
    if (type == null) {
      return response.truncated() ? " (truncated)" : "";
    }
    return " (" + type + (response.truncated() ? ", truncated)" : ")");
  }

  private static String json(DeliveryStory story) throws java.io.IOException {
    StringWriter text = new StringWriter();
    try (JsonGenerator g = JSON.getFactory().createGenerator(text)) {
      g.useDefaultPrettyPrinter();
      // Response snippets are an endpoint's text: nothing in them may act on a terminal.
      g.setCharacterEscapes(SafeText.JSON_ESCAPES);
      g.writeStartObject();
      g.writeStringField("delivery_id", story.deliveryId());
      g.writeArrayFieldStart("history");
      for (HistoryRecord r : story.history()) {
        HistoryCodec.write(g, r);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("dead_letters");
      for (DeadLetterEntry d : story.deadLetters()) {
        g.writeStartObject();
        g.writeStringField("topic", d.topic());
        g.writeNumberField("partition", d.partition());
        g.writeNumberField("offset", d.offset());
        g.writeStringField("at", d.at().toString());
        g.writeStringField("reason", d.reason());
        g.writeNumberField("attempts", d.attempts());
        g.writeNumberField("replays", d.replays());
        g.writeNumberField("status", d.httpStatus());
        if (d.error() != null) {
          g.writeStringField("error", d.error());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    return text.toString();
  }
}
