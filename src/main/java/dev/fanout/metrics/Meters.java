package dev.fanout.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.function.Supplier;

/**
 * Every meter of Fanout's own, in one place: its name, type, description and tag keys. {@link
 * FanoutMetrics} builds meters only from these entries, and a test holds it to that, so this list
 * is what a dashboard can rely on.
 *
 * <p>Names are Micrometer's dot form, with no unit and no {@code _total}; the Prometheus registry
 * adds them ({@code fanout.deliveries} is scraped as {@code fanout_deliveries_total}, {@code
 * fanout.delivery.duration} as {@code fanout_delivery_duration_seconds}). Every tag takes its
 * values from a small fixed set: no tag names a webhook or a URL, and {@code host} names hosts only
 * with {@code metrics.per-endpoint=true}, then at most {@value FanoutMetrics#MAX_HOSTS} of them.
 */
public enum Meters {
  DELIVERIES(
      "fanout.deliveries",
      Type.COUNTER,
      "Delivery tasks ended: delivered, dead_lettered, or cancelled (webhook deleted or disabled"
          + " while its retry waited)",
      "outcome",
      "event_type"),
  DELIVERY_DURATION(
      "fanout.delivery.duration",
      Type.TIMER,
      "Duration of one delivery attempt, from send to response or failure"),
  END_TO_END_LATENCY(
      "fanout.end.to.end.latency",
      Type.TIMER,
      "From the event's occurred_at (or record timestamp) to its delivery"),
  DEAD_LETTERS("fanout.dead.letters", Type.COUNTER, "Dead-letter records written", "reason"),
  RETRIES_SCHEDULED(
      "fanout.retries.scheduled",
      Type.COUNTER,
      "Failed attempts handed to a retry tier, by the tier's nominal delay",
      "tier"),
  HELD(
      "fanout.held",
      Type.COUNTER,
      "Tasks handed to a retry tier without using an attempt: circuit_open or endpoint_busy",
      "reason"),
  EVENTS(
      "fanout.events",
      Type.COUNTER,
      "Event records consumed: matched, unmatched, invalid_event or payload_too_large",
      "result"),
  INFLIGHT_DELIVERIES(
      "fanout.inflight.deliveries",
      Type.GAUGE,
      "Delivery tasks started and not yet delivered or dead-lettered"),
  WAITING_DELIVERIES(
      "fanout.waiting.deliveries",
      Type.GAUGE,
      "Delivery tasks waiting in memory for their endpoint to take them"),
  SUBSCRIPTIONS("fanout.subscriptions", Type.GAUGE, "Subscriptions in the table, enabled or not"),
  READY(
      "fanout.ready",
      Type.GAUGE,
      "1 while this worker is ready (as GET /health/ready answers 200), else 0"),
  SUBSCRIPTIONS_UNREADABLE(
      "fanout.subscriptions.unreadable",
      Type.GAUGE,
      "Enabled webhooks whose secret, or previous secret in its grace period, cannot be read with"
          + " the configured keys; their deliveries are dead-lettered as secret_unavailable"),
  SUBSCRIPTIONS_WEAK_SECRETS(
      "fanout.subscriptions.weak.secrets",
      Type.GAUGE,
      "Webhooks in use whose secret is stored weakly: plaintext (in the clear, allowed by"
          + " security.allow-plaintext-secrets) or legacy_binding (encrypted by an older release,"
          + " bound to the webhook id only)",
      "storage"),
  CIRCUIT_BREAKERS(
      "fanout.circuit.breakers",
      Type.GAUGE,
      "Webhooks' circuit breakers by state: closed, open or half_open",
      "state"),
  HOST_CONCURRENCY_LIMIT(
      "fanout.host.concurrency.limit",
      Type.GAUGE,
      "Adaptive limit of requests in flight to a host (host=\"busiest\" unless"
          + " metrics.per-endpoint=true)",
      "host"),
  HOST_INFLIGHT(
      "fanout.host.inflight",
      Type.GAUGE,
      "Requests in flight to a host (host=\"busiest\" unless metrics.per-endpoint=true)",
      "host"),
  ENDPOINT_HOSTS(
      "fanout.endpoint.hosts", Type.GAUGE, "Hosts whose concurrency limit and lanes are kept"),
  DELIVERY_BUDGET(
      "fanout.delivery.budget",
      Type.GAUGE,
      "Delivery tasks taken into memory at once, waiting or in flight: from"
          + " delivery.host-concurrency.max up to delivery.max-in-flight while the worker's cores"
          + " have room"),
  CONFIG_RECORDS_REJECTED(
      "fanout.config.records.rejected",
      Type.COUNTER,
      "Config topic records skipped: invalid, unauthenticated (no valid MAC while"
          + " security.require-authenticated-config=true) or weak_secret",
      "reason"),
  PARTITIONS_REVOKED(
      "fanout.partitions.revoked", Type.COUNTER, "Partitions taken from this member by rebalances"),
  DNS_LOOKUPS_OVERDUE(
      "fanout.dns.lookups.overdue",
      Type.GAUGE,
      "Name lookups past delivery.dns-lookup-timeout whose call has not returned: each holds a"
          + " lookup thread, and a place in its domain's delivery.dns-lookups-per-domain"),
  PARTITIONS_STUCK(
      "fanout.partitions.stuck",
      Type.GAUGE,
      "Partitions not consumed because a write for their tasks keeps failing"),
  UNCOMMITTED_RECORDS(
      "fanout.uncommitted.records",
      Type.GAUGE,
      "Records consumed and not yet committed (an upper bound): a worker that died now would"
          + " have these consumed again"),
  TASKS_FENCED(
      "fanout.tasks.fenced",
      Type.COUNTER,
      "Tasks of a partition revoked before they ended: they wrote nothing, and the partition's"
          + " next owner does them again"),
  DEAD_LETTER_WRITE_FAILURES(
      "fanout.dead.letter.write.failures",
      Type.COUNTER,
      "Dead-letter writes that failed and are being retried"),
  HISTORY_DROPPED(
      "fanout.history.dropped",
      Type.COUNTER,
      "Delivery history records dropped so that delivery never waits for history: buffer_full"
          + " or send_failed",
      "reason");

  /** The Micrometer type a catalogue entry is registered as. */
  public enum Type {
    COUNTER,
    TIMER,
    GAUGE
  }

  private final String meterName;
  private final Type type;
  private final String description;
  private final List<String> tagKeys;

  Meters(String meterName, Type type, String description, String... tagKeys) {
    this.meterName = meterName;
    this.type = type;
    this.description = description;
    this.tagKeys = List.of(tagKeys);
  }

  /** The Micrometer name, dot separated; Prometheus renders it with underscores and a suffix. */
  public String meterName() {
    return meterName;
  }

  public Type type() {
    return type;
  }

  public String description() {
    return description;
  }

  /** The keys of the tags this meter carries, each from a small fixed set of values. */
  public List<String> tagKeys() {
    return tagKeys;
  }

  Counter.Builder counter() {
    return Counter.builder(meterName).description(description);
  }

  Timer.Builder timer() {
    return Timer.builder(meterName).description(description);
  }

  Gauge.Builder<Supplier<Number>> gauge(Supplier<Number> value) {
    return Gauge.builder(meterName, value).description(description).strongReference(true);
  }

  MultiGauge.Builder multiGauge() {
    return MultiGauge.builder(meterName).description(description);
  }
}
