package dev.fanout.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventPatternTest {

  @Test
  void exactPatternMatchesOnlyThatType() {
    EventPattern pattern = new EventPattern("job.failed");

    assertThat(pattern.matches("job.failed")).isTrue();
    assertThat(pattern.matches("job.succeeded")).isFalse();
    assertThat(pattern.matches("job.failed.again")).isFalse();
    assertThat(pattern.matches("job")).isFalse();
  }

  @Test
  void prefixPatternMatchesTypesUnderThePrefix() {
    EventPattern pattern = new EventPattern("job.*");

    assertThat(pattern.matches("job.failed")).isTrue();
    assertThat(pattern.matches("job.succeeded")).isTrue();
  }

  @Test
  void prefixPatternDoesNotMatchALongerWordWithTheSameStart() {
    assertThat(new EventPattern("job.*").matches("jobs.x")).isFalse();
  }

  @Test
  void prefixPatternDoesNotMatchThePrefixAlone() {
    assertThat(new EventPattern("job.*").matches("job")).isFalse();
  }

  @Test
  void prefixPatternDoesNotMatchAnotherFamily() {
    assertThat(new EventPattern("job.*").matches("orchestration.finished")).isFalse();
  }

  @Test
  void starAloneMatchesEveryType() {
    EventPattern all = new EventPattern("*");

    assertThat(all.matches("job.failed")).isTrue();
    assertThat(all.matches("orchestration.finished")).isTrue();
    assertThat(all.matches("anything")).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"jo*b", "*.failed", "job*", "job.*.x", "job.**", "**", "*.*"})
  void refusesStarAnywhereButAtTheEndAfterADot(String text) {
    assertThatThrownBy(() -> new EventPattern(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   "})
  void refusesEmptyPattern(String text) {
    assertThatThrownBy(() -> new EventPattern(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesNullPattern() {
    assertThatThrownBy(() -> new EventPattern(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void toStringIsThePatternText() {
    assertThat(new EventPattern("orchestration.*")).hasToString("orchestration.*");
  }
}
