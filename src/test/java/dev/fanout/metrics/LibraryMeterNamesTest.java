package dev.fanout.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilterReply;
import org.junit.jupiter.api.Test;

class LibraryMeterNamesTest {
  private final LibraryMeterNames names = new LibraryMeterNames();

  @Test
  void leavesOutLibraryMetersInUnitsBelowASecond() {
    assertThat(names.accept(id("kafka.consumer.io.time.ns.total", Meter.Type.COUNTER, null)))
        .isEqualTo(MeterFilterReply.DENY);
    assertThat(names.accept(id("kafka.app.info.start.time.ms", Meter.Type.GAUGE, null)))
        .isEqualTo(MeterFilterReply.DENY);
    assertThat(
            names.accept(
                new Meter.Id("process.cpu.time", Tags.empty(), "ns", "CPU", Meter.Type.COUNTER)))
        .isEqualTo(MeterFilterReply.DENY);
    assertThat(
            names.accept(id("kafka.consumer.fetch.manager.records.lag.max", Meter.Type.GAUGE, "")))
        .isEqualTo(MeterFilterReply.NEUTRAL);
  }

  @Test
  void dropsTheCountSuffixOfGauges() {
    assertThat(names.map(id("kafka.consumer.connection.count", Meter.Type.GAUGE, "x")).getName())
        .isEqualTo("kafka.consumer.connections");
    assertThat(names.map(id("system.cpu.count", Meter.Type.GAUGE, "x")).getName())
        .isEqualTo("system.cpus");
  }

  @Test
  void givesAHelpTextWhereTheLibraryGaveNone() {
    assertThat(
            names
                .map(id("kafka.producer.node.request.latency.avg", Meter.Type.GAUGE, null))
                .getDescription())
        .isEqualTo("Kafka client metric kafka.producer.node.request.latency.avg.");
  }

  @Test
  void leavesFanoutsOwnMetersAndTheLagAlone() {
    Meter.Id own = id("fanout.deliveries.count", Meter.Type.GAUGE, "Tasks.");
    assertThat(names.map(own)).isSameAs(own);
    assertThat(names.accept(own)).isEqualTo(MeterFilterReply.NEUTRAL);
    Meter.Id lag = id("kafka.consumer.fetch.manager.records.lag.max", Meter.Type.GAUGE, "Lag.");
    assertThat(names.map(lag)).isSameAs(lag);
  }

  private static Meter.Id id(String name, Meter.Type type, String description) {
    return new Meter.Id(name, Tags.of("client.id", "fanout-events"), null, description, type);
  }
}
