package dev.fanout.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({"250ms,PT0.25S", "5s,PT5S", "30m,PT30M", "2h,PT2H", "7d,PT168H", "' 5s ',PT5S"})
  void parsesEveryUnit(String text, Duration expected) {
    assertThat(Durations.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"5", "5 s", "-5s", "1.5s", "5S", "", "5sec", "s", "5w"})
  void refusesMalformedDurationsNamingTheValue(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'")
        .hasMessageContaining("not a duration");
  }

  @ParameterizedTest
  @ValueSource(strings = {"9223372036854775807d", "9223372036854775807s", "99999999999999999999ms"})
  void refusesDurationTooLargeToRepresent(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'")
        .hasMessageContaining("too long");
  }

  @ParameterizedTest
  @CsvSource({
    "PT5S,5s",
    "PT1M,1m",
    "PT10H,10h",
    "PT0.25S,250ms",
    "PT24H,1d",
    "PT90S,90s",
    "PT1.5S,1500ms",
    "PT0S,0ms"
  })
  void formatsShortestExactForm(Duration duration, String expected) {
    assertThat(Durations.format(duration)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"250ms", "5s", "1m", "5m", "30m", "2h", "10h", "3d"})
  void formatOfParseIsTheSameText(String text) {
    assertThat(Durations.format(Durations.parse(text))).isEqualTo(text);
  }
}
