package dev.fanout.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlTest {
  @Test
  void findsMetricsInsideFunctionsAggregationsAndRanges() {
    PromQl.Reads reads =
        PromQl.reads(
            "histogram_quantile(0.99, sum by (le) (rate(fanout_delivery_duration_seconds_bucket"
                + "{instance=~\"$instance\"}[$__rate_interval])))");

    assertThat(reads.metrics()).containsOnlyKeys("fanout_delivery_duration_seconds_bucket");
    assertThat(reads.metrics().get("fanout_delivery_duration_seconds_bucket"))
        .containsExactly("instance");
    assertThat(reads.groupingLabels()).containsExactly("le");
  }

  @Test
  void findsBareMetricsOnBothSidesOfABinaryOperator() {
    PromQl.Reads reads =
        PromQl.reads(
            "sum(fanout_inflight_deliveries) > 0\n"
                + "and sum(increase(fanout_deliveries_totl[10m])) == 0 or absent(up{job=\"f\"})"
                + " * 1e-9");

    assertThat(reads.metrics())
        .containsOnlyKeys("fanout_inflight_deliveries", "fanout_deliveries_totl", "up");
  }

  @Test
  void readsSubqueriesAndVectorMatching() {
    PromQl.Reads reads =
        PromQl.reads(
            "deriv(max(kafka_consumer_fetch_manager_records_lag_max{client_id=\"fanout-events\"})"
                + "[15m:1m]) > 0 and on (instance) fanout_partitions_stuck");

    assertThat(reads.metrics())
        .containsOnlyKeys(
            "kafka_consumer_fetch_manager_records_lag_max", "fanout_partitions_stuck");
    assertThat(reads.groupingLabels()).containsExactly("instance");
  }

  @Test
  void readsGrafanaLabelValuesQueries() {
    PromQl.Reads reads = PromQl.reads("label_values(fanout_inflight_deliveries, instance)");

    assertThat(reads.metrics()).containsOnlyKeys("fanout_inflight_deliveries");
    assertThat(reads.groupingLabels()).containsExactly("instance");
  }
}
