package dev.fanout.bench;

import org.HdrHistogram.Histogram;

/**
 * What one run measured. Deliveries, rates and latencies count healthy webhooks only; CPU times are
 * the worker's threads over the throughput phase and the raw client's over its run; {@code
 * latencyMachine} is how busy the whole process was over the latency phase.
 */
record RunResult(
    String label,
    BenchOptions options,
    String layout,
    int maxInFlight,
    RawClient.Result raw,
    long deliveries,
    long deliveriesMissing,
    double seconds,
    ThreadCpu.Usage workerCpu,
    long backlogEvents,
    double backlogSeconds,
    double pacedRate,
    String pacedRateSource,
    int pacedEvents,
    long latencyMissing,
    Histogram latencyMicros,
    ThreadCpu.Machine latencyMachine,
    long acceptedPerWebhookMin,
    long acceptedPerWebhookMax,
    long expectedPerWebhook,
    long duplicates,
    long unidentified,
    long troubledRequests,
    TierCensus.Counts census,
    long peakHeapBytes,
    long peakRssBytes) {

  boolean complete() {
    return deliveriesMissing == 0 && latencyMissing == 0;
  }

  double rate() {
    return deliveries / seconds;
  }

  double ratio() {
    return rate() / raw.rate();
  }

  double cpuMicrosPerDelivery() {
    return workerCpu.microsPer(deliveries);
  }

  double rawCpuMicrosPerRequest() {
    return raw.cpu().microsPer(raw.requests());
  }

  double cpuRatio() {
    return cpuMicrosPerDelivery() / rawCpuMicrosPerRequest();
  }

  /** NaN when no latency-phase delivery arrived. */
  double p50Millis() {
    return millis(latencyMicros.getValueAtPercentile(50));
  }

  double p99Millis() {
    return millis(latencyMicros.getValueAtPercentile(99));
  }

  double maxMillis() {
    return millis(latencyMicros.getMaxValue());
  }

  private double millis(long micros) {
    return latencyMicros.getTotalCount() == 0 ? Double.NaN : micros / 1000.0;
  }
}
