package dev.fanout.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The whole validated configuration. Built only through {@link #from}, which reports every problem
 * of a key map at once; once built, every value is in range.
 */
public record FanoutConfig(
    Kafka kafka,
    Topics topics,
    Delivery delivery,
    Retry retry,
    Breaker breaker,
    Security security,
    Operations operations,
    History history,
    Map<String, String> raw) {

  /**
   * Connection to the cluster; {@code passThrough} holds every {@code kafka.*} key but bootstrap.
   */
  public record Kafka(String bootstrapServers, String groupId, Map<String, String> passThrough) {}

  public record Topics(
      List<String> events,
      String webhooks,
      String dlq,
      String retryPrefix,
      String attempts,
      int partitions,
      short replicationFactor,
      Duration attemptsRetention) {}

  public record Delivery(
      Duration connectTimeout,
      Duration requestTimeout,
      int maxBodyBytes,
      int maxResponseBytes,
      int maxInFlight,
      Duration maxQueueWait,
      HostConcurrency hostConcurrency,
      Duration endpointIdleTimeout,
      List<String> allowedNetworks,
      String proxy,
      DnsLookups dns) {}

  /**
   * Budgets of the name lookups of delivery targets.
   *
   * @param threads lookups running at once
   * @param perDomain lookups running at once for the names of one registrable domain; further names
   *     of that domain fail at once, and are retried
   * @param timeout how long a delivery waits for its lookup before it is retried
   */
  public record DnsLookups(int threads, int perDomain, Duration timeout) {}

  /**
   * The adaptive limit of requests in flight to one host.
   *
   * @param algorithm {@code gradient2}, {@code vegas}, {@code aimd} or {@code fixed} (always {@code
   *     max})
   */
  public record HostConcurrency(String algorithm, int initial, int min, int max) {}

  public record Retry(
      List<Duration> schedule,
      double jitter,
      Duration maxRetryAfter,
      Duration maxAge,
      Duration maxHold) {}

  public record Breaker(
      int failureRateThreshold,
      int slidingWindowSize,
      int minimumCalls,
      Duration waitInOpen,
      int halfOpenCalls) {}

  /**
   * How config records and their secrets are protected.
   *
   * @param allowPlaintextSecrets secrets may be stored in the clear when no key is configured, and
   *     are used when read in the clear; false (the default) refuses the first and fails such
   *     webhooks closed. {@code security.require-encrypted-secrets=true}, the older switch, is the
   *     same as false here
   * @param acceptLegacySecretBinding ciphertexts bound to the webhook id only (older releases) are
   *     still used
   * @param requireAuthenticatedConfig records without a valid MAC ({@code FANOUT_CONFIG_KEYS}) are
   *     refused
   */
  public record Security(
      boolean allowPlaintextSecrets,
      boolean acceptLegacySecretBinding,
      boolean requireAuthenticatedConfig) {}

  /**
   * @param managementBindAddress the address the management port listens on
   * @param logAttempts whether each delivery attempt gets a log line (logger {@code
   *     dev.fanout.attempts})
   * @param metricEventTypes the event types that keep their name in the {@code event_type} tag;
   *     every other type counts as {@code other}
   */
  public record Operations(
      int managementPort,
      String managementBindAddress,
      Duration commitInterval,
      Duration shutdownTimeout,
      Duration rebalanceDrainTimeout,
      String logFormat,
      String logLevel,
      boolean logAttempts,
      boolean perEndpointMetrics,
      List<String> metricEventTypes) {}

  /**
   * Delivery history: one record per attempt on {@code topics.attempts}.
   *
   * @param bufferRecords records waiting to be handed to the producer; beyond it they are dropped
   *     and counted, so that history never slows delivery
   * @param bufferBytes the history producer's {@code buffer.memory}
   * @param responseSnippetBytes the first bytes of each response body an attempt record keeps; 0
   *     keeps none
   */
  public record History(
      boolean enabled,
      int bufferRecords,
      long bufferBytes,
      Duration linger,
      String compression,
      int responseSnippetBytes) {

    /** Most body bytes an attempt record may keep. */
    public static final int MAX_RESPONSE_SNIPPET_BYTES = 4096;

    /**
     * Most snippet bytes the history queue may hold when full ({@code buffer-records} records of
     * {@code response-snippet-bytes} each); in memory a snippet may take twice its bytes.
     */
    static final long MAX_QUEUED_SNIPPET_BYTES = 64L * 1024 * 1024;
  }

  /** Each type of {@code metrics.event-types} adds a series per delivery outcome. */
  static final int MAX_METRIC_EVENT_TYPES = 50;

  public static FanoutConfig from(Map<String, String> values) {
    ConfigReader r = new ConfigReader(values);
    Map<String, String> passThrough = new LinkedHashMap<>();
    values.forEach(
        (k, v) -> {
          if (k.startsWith("kafka.") && !k.equals("kafka.bootstrap.servers")) {
            passThrough.put(k.substring("kafka.".length()), v);
          }
        });
    Kafka kafka =
        new Kafka(r.string("kafka.bootstrap.servers"), r.string("consumer.group-id"), passThrough);

    Topics topics =
        new Topics(
            r.list("topics.events"),
            r.string("topics.webhooks"),
            r.string("topics.dlq"),
            r.string("topics.retry-prefix"),
            r.string("topics.attempts"),
            r.integer("topics.partitions", 1, 10_000),
            (short) r.integer("topics.replication-factor", -1, Short.MAX_VALUE),
            r.duration("topics.attempts-retention"));
    if (topics.events().isEmpty()) {
      r.problem("topics.events: must name at least one topic");
    }

    Delivery delivery =
        new Delivery(
            r.duration("delivery.connect-timeout"),
            r.duration("delivery.request-timeout"),
            r.integer("delivery.max-body-bytes", 1, 64 * 1024 * 1024),
            r.integer("delivery.max-response-bytes", 0, 64 * 1024 * 1024),
            r.integer("delivery.max-in-flight", 1, 1_000_000),
            r.duration("delivery.max-queue-wait"),
            new HostConcurrency(
                r.oneOf(
                    "delivery.host-concurrency.algorithm",
                    Set.of("gradient2", "vegas", "aimd", "fixed")),
                r.integer("delivery.host-concurrency.initial", 1, 100_000),
                r.integer("delivery.host-concurrency.min", 1, 100_000),
                r.integer("delivery.host-concurrency.max", 1, 100_000)),
            r.duration("delivery.endpoint-idle-timeout"),
            r.list("delivery.allowed-networks"),
            r.optionalString("delivery.proxy"),
            new DnsLookups(
                r.integer("delivery.dns-lookup-threads", 1, 1_000),
                r.integer("delivery.dns-lookups-per-domain", 1, 1_000),
                r.duration("delivery.dns-lookup-timeout")));
    HostConcurrency hc = delivery.hostConcurrency();
    if (hc.min() > hc.max()) {
      r.problem(
          "delivery.host-concurrency.min: "
              + hc.min()
              + " is above delivery.host-concurrency.max "
              + hc.max());
    }
    if (hc.initial() < hc.min() || hc.initial() > hc.max()) {
      r.problem(
          "delivery.host-concurrency.initial: "
              + hc.initial()
              + " is outside min..max "
              + hc.min()
              + ".."
              + hc.max());
    }
    for (String cidr : delivery.allowedNetworks()) {
      r.parse("delivery.allowed-networks", cidr, Cidr::parse);
    }
    if (!delivery.proxy().isEmpty()) {
      r.parse("delivery.proxy", delivery.proxy(), HostPort::parse);
    }

    Retry retry =
        new Retry(
            r.durations("retry.schedule"),
            r.decimal("retry.jitter", 0.0, 0.9),
            r.duration("retry.max-retry-after"),
            r.duration("retry.max-age"),
            r.duration("retry.max-hold"));
    if (retry.schedule().isEmpty()) {
      r.problem("retry.schedule: must hold at least one delay");
    }

    Breaker breaker =
        new Breaker(
            r.integer("breaker.failure-rate-threshold", 1, 100),
            r.integer("breaker.sliding-window-size", 1, 10_000),
            r.integer("breaker.minimum-calls", 1, 10_000),
            r.duration("breaker.wait-in-open"),
            r.integer("breaker.half-open-calls", 1, 1_000));

    boolean requireEncrypted = r.bool("security.require-encrypted-secrets");
    boolean allowPlaintext = r.bool("security.allow-plaintext-secrets");
    if (requireEncrypted && allowPlaintext) {
      r.problem(
          "security.allow-plaintext-secrets: true contradicts"
              + " security.require-encrypted-secrets=true; set one of them only");
    }
    Security security =
        new Security(
            allowPlaintext,
            r.bool("security.accept-legacy-secret-binding"),
            r.bool("security.require-authenticated-config"));

    Operations operations =
        new Operations(
            r.integer("management.port", -1, 65_535),
            r.string("management.bind-address"),
            r.duration("commit.interval"),
            r.duration("shutdown.timeout"),
            r.duration("rebalance.drain-timeout"),
            r.oneOf("log.format", Set.of("json", "text")),
            r.oneOf("log.level", Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR")),
            r.bool("log.attempts"),
            r.bool("metrics.per-endpoint"),
            r.list("metrics.event-types"));
    if (operations.metricEventTypes().size() > MAX_METRIC_EVENT_TYPES) {
      r.problem(
          "metrics.event-types: "
              + operations.metricEventTypes().size()
              + " types is more than "
              + MAX_METRIC_EVENT_TYPES
              + "; each adds a series per outcome");
    }
    if (operations.metricEventTypes().contains("other")) {
      r.problem("metrics.event-types: 'other' is the series of every type not listed");
    }

    History history =
        new History(
            r.bool("history.enabled"),
            r.integer("history.buffer-records", 1, 10_000_000),
            r.integer("history.buffer-bytes", 64 * 1024, Integer.MAX_VALUE),
            r.duration("history.linger"),
            r.oneOf("history.compression", Set.of("none", "gzip", "snappy", "lz4", "zstd")),
            r.integer("history.response-snippet-bytes", 0, History.MAX_RESPONSE_SNIPPET_BYTES));
    long queuedSnippetBytes = (long) history.bufferRecords() * history.responseSnippetBytes();
    if (history.responseSnippetBytes() <= History.MAX_RESPONSE_SNIPPET_BYTES
        && queuedSnippetBytes > History.MAX_QUEUED_SNIPPET_BYTES) {
      r.problem(
          "history.response-snippet-bytes: "
              + history.responseSnippetBytes()
              + " bytes for each of history.buffer-records "
              + history.bufferRecords()
              + " is more than "
              + History.MAX_QUEUED_SNIPPET_BYTES / (1024 * 1024)
              + " MiB of queued snippets; lower one of them");
    }

    if (!r.problems().isEmpty()) {
      throw new ConfigException(r.problems());
    }
    return new FanoutConfig(
        kafka, topics, delivery, retry, breaker, security, operations, history, Map.copyOf(values));
  }

  /**
   * Whether secrets must be encrypted: the opposite of {@code security.allow-plaintext-secrets},
   * kept for callers of the older {@code security.require-encrypted-secrets}.
   */
  public boolean requireEncryptedSecrets() {
    return !security.allowPlaintextSecrets();
  }

  /** The same configuration with some keys replaced, validated again. */
  public FanoutConfig with(Map<String, String> overrides) {
    Map<String, String> values = new LinkedHashMap<>(raw);
    values.putAll(overrides);
    return from(values);
  }
}
