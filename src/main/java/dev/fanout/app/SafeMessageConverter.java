package dev.fanout.app;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.fanout.text.SafeText;

/**
 * {@code %safeMsg}: the formatted message with control and bidirectional characters escaped ({@link
 * SafeText}). Messages carry ids, URLs and record keys from outside; printed raw, a CR/LF in one
 * would forge a log line, and an ESC would drive the reader's terminal.
 */
public final class SafeMessageConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    return SafeText.escape(event.getFormattedMessage());
  }
}
