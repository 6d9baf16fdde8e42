package dev.fanout.replay;

import dev.fanout.config.Durations;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * A point in time as an operator writes it on the command line: an RFC 3339 instant ({@code
 * 2026-11-28T12:00:00Z}, {@code 2026-11-28T13:00:00+01:00}) or a duration back from now ({@code
 * 24h} means 24 hours ago).
 */
public final class TimeArgument {
  private TimeArgument() {}

  /**
   * @throws IllegalArgumentException naming the text when it is neither form
   */
  public static Instant parse(String text, Clock clock) {
    String trimmed = text.trim();
    try {
      return OffsetDateTime.parse(trimmed).toInstant();
    } catch (DateTimeParseException notAnInstant) {
      try {
        return clock.instant().minus(Durations.parse(trimmed));
      } catch (IllegalArgumentException notADuration) {
        throw new IllegalArgumentException(
            "'"
                + text
                + "' is neither an RFC 3339 time (2026-11-28T12:00:00Z) nor a duration ago (24h)");
      }
    }
  }
}
