package dev.fanout.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fanout.replay.DeadLetterFilter;
import dev.fanout.replay.StoredDeadLetter;
import dev.fanout.replay.TopicScanner;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "list",
    description = {
      "List dead letters, oldest offsets first within each partition.",
      "--output json writes one JSON object per line: partition, offset, timestamp, key, headers,",
      "and the body with --with-body."
    })
final class DlqListCommand extends BaseCommand {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ROW = "%-12s %-24s %-18s %-26s %-14s %-24s %-20s %-6s %-8s %s%n";

  @Mixin DeadLetterFilterOptions filters;

  @Option(names = "--limit", paramLabel = "N", description = "Show at most N dead letters.")
  Long limit;

  @Mixin OutputOption output;

  @Option(names = "--with-body", description = "With --output json: include the event body.")
  boolean withBody;

  @Override
  public Integer call() throws Exception {
    DeadLetterFilter filter = filters.filter(spec.commandLine(), DlqCommand.CLOCK);
    if (limit != null && limit < 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--limit must be > 0");
    }
    boolean json = output.json();
    PrintWriter out = out();
    if (!json) {
      out.printf(
          ROW,
          "PART:OFFSET",
          "DEAD-LETTERED",
          "REASON",
          "WEBHOOK",
          "SPACE",
          "EVENT TYPE",
          "EVENT ID",
          "STATUS",
          "ATTEMPTS",
          "ERROR");
    }
    long[] shown = {0};
    try (KafkaConsumer<byte[], byte[]> consumer = DlqCommand.reader(config())) {
      TopicScanner scanner = new TopicScanner(consumer, DlqCommand.CLOCK);
      scanner.scan(
          scanner.partitions(List.of(config().topics().dlq())),
          filter.range(),
          Map.of(),
          record -> {
            StoredDeadLetter d = StoredDeadLetter.of(record);
            if (!filter.matches(d)) {
              return true;
            }
            if (json) {
              out.println(json(d));
            } else {
              row(out, d);
            }
            shown[0]++;
            return limit == null || shown[0] < limit;
          },
          new ProgressBar(err(), "dlq list", null, DlqCommand.CLOCK));
    }
    out.flush();
    return ExitCodes.OK;
  }

  private static void row(PrintWriter out, StoredDeadLetter d) {
    out.printf(
        ROW,
        d.partition() + ":" + d.offset(),
        d.timestamp(),
        orDash(d.reason()),
        orDash(d.webhookId()),
        d.space(),
        orDash(d.eventType()),
        orDash(d.eventId()),
        d.httpStatus() == null ? "-" : d.httpStatus().toString(),
        d.attempts() == null ? "-" : d.attempts().toString(),
        d.error() == null ? "-" : shorten(d.error().replaceAll("\\s+", " "), 80));
  }

  private String json(StoredDeadLetter d) {
    ObjectNode node = JSON.createObjectNode();
    node.put("partition", d.partition());
    node.put("offset", d.offset());
    node.put("timestamp", d.timestamp().toString());
    byte[] key = d.record().key();
    node.put("key", key == null ? null : new String(key, StandardCharsets.UTF_8));
    node.put("space", d.space());
    ObjectNode headers = node.putObject("headers");
    d.headers().forEach(headers::put);
    if (withBody) {
      byte[] value = d.record().value();
      node.put("body", value == null ? null : new String(value, StandardCharsets.UTF_8));
    }
    try {
      return JSON.writeValueAsString(node);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String orDash(String s) {
    return s == null || s.isEmpty() ? "-" : s;
  }

  private static String shorten(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
