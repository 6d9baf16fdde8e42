package dev.fanout.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import dev.fanout.delivery.AttemptLog;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code log.format}, {@code log.level} and {@code log.attempts}: one JSON object per line
 * ({@link JsonLineEncoder}), or plain text; the root level; and whether the per-attempt logger
 * {@value #ATTEMPTS_LOGGER} writes anything.
 */
public final class LoggingSetup {
  /** The logger of the one-line-per-attempt log; {@code log.attempts=false} turns it off. */
  public static final String ATTEMPTS_LOGGER = AttemptLog.LOGGER;

  static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{24} - %safeMsg%n%safeEx";

  private LoggingSetup() {}

  /**
   * The text format: one line per event, the message and any exception messages escaped ({@code
   * %safeMsg}, {@code %safeEx}), since they carry ids, URLs and keys from outside. Started.
   */
  static Encoder<ILoggingEvent> textEncoder(LoggerContext context) {
    PatternLayout layout = new PatternLayout();
    layout.getInstanceConverterMap().put("safeMsg", SafeMessageConverter::new);
    layout.getInstanceConverterMap().put("safeEx", SafeThrowableConverter::new);
    layout.setPattern(TEXT_PATTERN);
    layout.setContext(context);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setLayout(layout);
    encoder.setContext(context);
    encoder.start();
    return encoder;
  }

  public static void apply(String format, String level, boolean attempts) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    Encoder<ILoggingEvent> encoder;
    if (format.equals("json")) {
      encoder = new JsonLineEncoder();
      encoder.setContext(context);
      encoder.start();
    } else {
      encoder = textEncoder(context);
    }
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName("STDERR");
    appender.setTarget("System.err");
    appender.setEncoder(encoder);
    appender.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();
    root.addAppender(appender);
    root.setLevel(Level.toLevel(level, Level.INFO));
    // INFO regardless of the root level, so log.level=WARN does not silence attempts by accident.
    context.getLogger(ATTEMPTS_LOGGER).setLevel(attempts ? Level.INFO : Level.OFF);
  }
}
