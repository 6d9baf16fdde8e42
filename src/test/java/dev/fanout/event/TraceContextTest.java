package dev.fanout.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceContextTest {
  private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  private static List<Origin.Header> headers(String... keyValues) {
    List<Origin.Header> headers = new ArrayList<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      headers.add(
          new Origin.Header(keyValues[i], keyValues[i + 1].getBytes(StandardCharsets.UTF_8)));
    }
    return headers;
  }

  @Test
  void keepsAValidTraceparentWithItsTracestate() {
    TraceContext trace =
        TraceContext.from(
            headers("schema", "7", "traceparent", VALID, "tracestate", "congo=t61rcWkgMzE"));

    assertThat(trace).isEqualTo(new TraceContext(VALID, "congo=t61rcWkgMzE"));
    assertThat(trace.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
  }

  @Test
  void noTraceparentMeansNoContext() {
    assertThat(TraceContext.from(headers("tracestate", "congo=t61rcWkgMzE"))).isNull();
    assertThat(TraceContext.from(List.of())).isNull();
  }

  @Test
  void refusesMalformedTraceparents() {
    for (String bad :
        List.of(
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01", // upper case
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01", // trace id 31 digits
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01", // parent id 15 digits
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // zero trace id
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // zero parent id
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // forbidden version
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x", // 00 takes nothing more
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x", // no dash after flags
            "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
            "",
            "garbage")) {
      assertThat(TraceContext.from(headers("traceparent", bad, "tracestate", "a=b")))
          .as(bad)
          .isNull();
    }
  }

  @Test
  void acceptsALaterVersionByItsFirstFourFields() {
    String later = "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future";

    assertThat(TraceContext.from(headers("traceparent", later)).traceparent()).isEqualTo(later);
  }

  @Test
  void twoTraceparentsAreAmbiguousAndDropped() {
    assertThat(TraceContext.from(headers("traceparent", VALID, "traceparent", VALID))).isNull();
  }

  @Test
  void dropsABadTracestateButKeepsTheTraceparent() {
    String tooLong = "a=" + "b".repeat(600);
    String tooMany = String.join(",", java.util.Collections.nCopies(33, "a=b"));
    for (String bad : List.of(tooLong, tooMany, "a=b\n", "a=ü")) {
      TraceContext trace = TraceContext.from(headers("traceparent", VALID, "tracestate", bad));
      assertThat(trace).as(bad).isEqualTo(new TraceContext(VALID, null));
    }
  }

  @Test
  void readsHeaderNamesInAnyCase() {
    assertThat(TraceContext.from(headers("TraceParent", VALID, "TRACESTATE", "a=b")))
        .isEqualTo(new TraceContext(VALID, "a=b"));
  }
}
