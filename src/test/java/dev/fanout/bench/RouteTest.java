package dev.fanout.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RouteTest {
  @Test
  void pathNamesTheBehaviourAndTheWebhook() {
    assertThat(Route.parse("/hook/3")).isEqualTo(new Route(Behaviour.HEALTHY, 3));
    assertThat(Route.parse("/hole/8")).isEqualTo(new Route(Behaviour.BLACK_HOLE, 8));
    assertThat(Route.parse("/fail/9")).isEqualTo(new Route(Behaviour.FAILING, 9));
  }

  @Test
  void everyBehaviourRoundTripsThroughItsPath() {
    for (Behaviour b : Behaviour.values()) {
      assertThat(Route.parse(Route.path(b, 12345))).isEqualTo(new Route(b, 12345));
    }
  }

  @Test
  void ignoresAQuery() {
    assertThat(Route.parse("/fail/2?attempt=3")).isEqualTo(new Route(Behaviour.FAILING, 2));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/",
        "/hook",
        "/hook/",
        "/hook/x",
        "/hook/-1",
        "/hooks/1",
        "hook/1",
        "/hook/1/2",
        "/hook/1234567890"
      })
  void hasNoRouteForOtherPaths(String uri) {
    assertThat(Route.parse(uri)).isNull();
  }
}
