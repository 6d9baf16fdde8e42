package dev.fanout.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import java.util.Set;

/**
 * Keeps the meters of the libraries Fanout binds (Kafka clients, Micrometer's process and system
 * binders) to what Prometheus's own lint accepts, so that {@code promtool check metrics} passes on
 * the whole scrape:
 *
 * <ul>
 *   <li>meters in nanoseconds or milliseconds ({@code kafka_consumer_io_time_ns_total}, {@code
 *       process_cpu_time_ns_total}) are left out: Prometheus wants seconds, and a filter can rename
 *       a meter but not scale its values. None of them is on the dashboard or in an alert;
 *   <li>gauges of how many lose the {@code _count} suffix, which Prometheus keeps for histograms
 *       and summaries ({@code kafka_consumer_connection_count} is {@code
 *       kafka_consumer_connections}, {@code system_cpu_count} is {@code system_cpus});
 *   <li>a meter a library gave no help text gets one.
 * </ul>
 *
 * Fanout's own meters are left alone: the catalogue ({@link Meters}) names them.
 */
public final class LibraryMeterNames implements MeterFilter {
  private static final Set<String> SUB_SECOND_UNITS = Set.of("ns", "ms");

  @Override
  public MeterFilterReply accept(Meter.Id id) {
    if (!library(id.getName())) {
      return MeterFilterReply.NEUTRAL;
    }
    if (id.getBaseUnit() != null && SUB_SECOND_UNITS.contains(id.getBaseUnit())) {
      return MeterFilterReply.DENY;
    }
    for (String part : id.getName().split("\\.")) {
      if (SUB_SECOND_UNITS.contains(part)) {
        return MeterFilterReply.DENY;
      }
    }
    return MeterFilterReply.NEUTRAL;
  }

  @Override
  public Meter.Id map(Meter.Id id) {
    String name = id.getName();
    if (!library(name)) {
      return id;
    }
    String renamed =
        id.getType() == Meter.Type.GAUGE && name.endsWith(".count")
            ? name.substring(0, name.length() - ".count".length()) + "s"
            : name;
    String description =
        id.getDescription() == null || id.getDescription().isBlank()
            ? "Kafka client metric " + name + "."
            : id.getDescription();
    if (renamed.equals(name) && description.equals(id.getDescription())) {
      return id;
    }
    return new Meter.Id(
        renamed, Tags.of(id.getTagsAsIterable()), id.getBaseUnit(), description, id.getType());
  }

  private static boolean library(String name) {
    return name.startsWith("kafka.") || name.startsWith("process.") || name.startsWith("system.");
  }
}
