package dev.fanout.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TimeArgumentTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-29T12:00:00Z"), ZoneOffset.UTC);

  @Test
  void readsRfc3339WithAnyOffset() {
    assertThat(TimeArgument.parse("2026-11-28T12:00:00Z", CLOCK))
        .isEqualTo(Instant.parse("2026-11-28T12:00:00Z"));
    assertThat(TimeArgument.parse("2026-11-28T13:30:00+01:00", CLOCK))
        .isEqualTo(Instant.parse("2026-11-28T12:30:00Z"));
  }

  @Test
  void readsADurationAsThatLongAgo() {
    assertThat(TimeArgument.parse("24h", CLOCK)).isEqualTo(Instant.parse("2026-11-28T12:00:00Z"));
    assertThat(TimeArgument.parse("90m", CLOCK)).isEqualTo(Instant.parse("2026-11-29T10:30:00Z"));
  }

  @Test
  void refusesAnythingElseNamingIt() {
    assertThatThrownBy(() -> TimeArgument.parse("yesterday", CLOCK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'yesterday'");
  }
}
