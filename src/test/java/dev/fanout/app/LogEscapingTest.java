package dev.fanout.app;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.status.Status;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/** Outside text in a log line cannot break the line, drive a terminal or reorder what is shown. */
class LogEscapingTest {
  private static final String HOSTILE = "wh_1\r\nFORGED\u001b[31m\u009b2J\u202egnp.exe";
  private static final String ESCAPED = "wh_1\\r\\nFORGED\\u001b[31m\\u009b2J\\u202egnp.exe";

  private final LoggerContext context = new LoggerContext();

  @Test
  void textFormatEscapesTheMessage() {
    String line = text(event("delivery to {} failed", null, HOSTILE));

    assertThat(line).isEqualTo("WARN  dev.fanout.test - delivery to " + ESCAPED + " failed\n");
  }

  @Test
  void textFormatEscapesExceptionMessagesButKeepsTheStackTraceLines() {
    UnknownHostException cause = new UnknownHostException(HOSTILE);
    IllegalStateException failure = new IllegalStateException("lookup of\n" + HOSTILE, cause);
    failure.addSuppressed(new RuntimeException("\u2066suppressed"));

    String out = text(event("failed", failure));

    assertThat(out)
        .contains("java.lang.IllegalStateException: lookup of\\n" + ESCAPED + "\n")
        .contains("Caused by: java.net.UnknownHostException: " + ESCAPED + "\n")
        .contains("java.lang.RuntimeException: \\u2066suppressed\n")
        .contains("\tat dev.fanout.app.LogEscapingTest")
        .doesNotContain("\u001b", "\r", "\u009b", "\u202e", "\u2066", "FORGED\n");
  }

  @Test
  void jsonFormatEscapesControlAndBidiCharactersEverywhere() throws Exception {
    LoggingEvent event =
        event(Map.of("key", HOSTILE), "to {}", new IllegalStateException(HOSTILE), HOSTILE);
    event.addKeyValuePair(new KeyValuePair("url", HOSTILE));
    JsonLineEncoder encoder = new JsonLineEncoder();
    encoder.setContext(context);
    encoder.start();

    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);

    assertThat(line).endsWith("\n").hasLineCount(1);
    assertThat(line.chars().filter(c -> c < 0x20 && c != '\n' || c >= 0x7f && c <= 0x9f)).isEmpty();
    assertThat(line).doesNotContain("\u202e").contains("\\u202E", "\\u009B", "\\u001B", "\\r\\n");
    JsonNode json = new ObjectMapper().readTree(line);
    assertThat(json.get("formattedMessage").asText()).isEqualTo("to " + HOSTILE);
    assertThat(json.get("url").asText()).isEqualTo(HOSTILE);
    assertThat(json.get("mdc").get("key").asText()).isEqualTo(HOSTILE);
    assertThat(json.get("throwable").get("message").asText()).isEqualTo(HOSTILE);
  }

  @Test
  void jsonFormatEscapesDel() {
    JsonLineEncoder encoder = new JsonLineEncoder();
    encoder.setContext(context);
    encoder.start();

    String line = new String(encoder.encode(event("a\u007fb", null)), StandardCharsets.UTF_8);

    assertThat(line).contains("\"formattedMessage\":\"a\\u007F" + "b\"");
  }

  @Test
  @SuppressWarnings("unchecked")
  void startUpConfigurationUsesTheEscapingConverters() throws Exception {
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(getClass().getResource("/logback.xml"));

    assertThat(context.getStatusManager().getCopyOfStatusList())
        .filteredOn(s -> s.getLevel() >= Status.WARN)
        .isEmpty();
    ConsoleAppender<ILoggingEvent> appender =
        (ConsoleAppender<ILoggingEvent>) context.getLogger("ROOT").getAppender("STDERR");
    String line = new String(appender.getEncoder().encode(event("to {}", null, HOSTILE)), UTF_8);
    assertThat(line).endsWith(" - to " + ESCAPED + "\n");
  }

  private String text(LoggingEvent event) {
    Encoder<ILoggingEvent> encoder = LoggingSetup.textEncoder(context);
    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
    return line.substring(line.indexOf(' ') + 1); // without the time
  }

  private LoggingEvent event(String message, Throwable throwable, Object... args) {
    return event(Map.of(), message, throwable, args);
  }

  private LoggingEvent event(
      Map<String, String> mdc, String message, Throwable throwable, Object... args) {
    LoggingEvent event =
        new LoggingEvent(
            LogEscapingTest.class.getName(),
            context.getLogger("dev.fanout.test"),
            Level.WARN,
            message,
            throwable,
            args);
    event.setMDCPropertyMap(mdc);
    return event;
  }
}
