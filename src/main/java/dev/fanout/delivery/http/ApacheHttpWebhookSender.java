package dev.fanout.delivery.http;

import dev.fanout.config.FanoutConfig;
import dev.fanout.config.HostPort;
import dev.fanout.delivery.HttpResult;
import dev.fanout.delivery.ResponseSnippet;
import dev.fanout.delivery.WebhookRequest;
import dev.fanout.delivery.WebhookSender;
import dev.fanout.subscription.NumericHosts;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClientBuilder;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.pool.PoolStats;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * {@link WebhookSender} on Apache HttpClient 5 (async, pooled). Chosen because it lets the SSRF
 * guard be the resolver the client connects through, and because it posts about twice as fast as
 * the JDK client on small machines.
 *
 * <pre>
 *   send (caller's thread) ─► Exchange ─► client.execute ─► lease: idle connection, or a new one
 *        to an address already looked up through the guard (ResolvedNames; others are looked up
 *        on a lookup thread first) ─► I/O thread writes, reads, drains ─► connection back to the
 *        pool ─► result completes (on the I/O thread)
 * </pre>
 *
 * <p>Per request: no redirects, no automatic retries, no cookies; connect timeout, and a deadline
 * on the whole exchange, name lookup included (enforced here, since the client's own timeouts are
 * per socket read and a trickling endpoint would evade them). {@code send} never waits for a name
 * service, nor for a connection: it returns as soon as the client has the request. Thread-safe.
 */
public final class ApacheHttpWebhookSender implements WebhookSender {
  // How long a looked-up answer is used for new connections, on top of the request timeout (an
  // answer must outlast the longest wait of the request it was looked up for).
  private static final Duration ANSWER_LIFETIME = Duration.ofSeconds(30);
  // Connections idle this long are closed. A burst (a stall, a large poll) opens as many
  // connections as requests are in flight at once; without this they would stay open for good, and
  // the pool would only ever grow towards its per-route maximum. The pool reuses the most recently
  // released connection first, so the ones a steady rate needs never go idle.
  static final Duration IDLE_CONNECTION_LIFETIME = Duration.ofSeconds(10);

  private final CloseableHttpAsyncClient client;
  private final PoolingAsyncClientConnectionManager connections;
  private final ResolvedNames names;
  private final Deadlines deadlines;
  private final long requestTimeoutMillis;
  private final int maxResponseBytes;
  private final int snippetBytes;
  private final AddressPolicy policy;
  private final boolean viaProxy;
  // With a proxy: targets looked up through the guard before their request goes to the proxy.
  private final ResolvedNames checkedTargets;

  /** A sender that keeps nothing of response bodies. */
  public ApacheHttpWebhookSender(FanoutConfig.Delivery config) {
    this(config, 0);
  }

  /**
   * @param snippetBytes the first bytes of each response body to keep in its {@link
   *     HttpResult.Response#snippet}, 0 to {@link ResponseSnippet#MAX_BYTES}; 0 keeps none, and
   *     costs nothing per request
   */
  public ApacheHttpWebhookSender(FanoutConfig.Delivery config, int snippetBytes) {
    this(
        config,
        snippetBytes,
        org.apache.hc.client5.http.SystemDefaultDnsResolver.INSTANCE,
        IDLE_CONNECTION_LIFETIME);
  }

  /**
   * With the name service to ask (tests pass a slow one; the SSRF guard always wraps it), and how
   * long a connection may stay idle before it is closed.
   */
  ApacheHttpWebhookSender(
      FanoutConfig.Delivery config, DnsResolver nameService, Duration idleConnectionLifetime) {
    this(config, 0, nameService, idleConnectionLifetime);
  }

  ApacheHttpWebhookSender(
      FanoutConfig.Delivery config,
      int snippetBytes,
      DnsResolver nameService,
      Duration idleConnectionLifetime) {
    if (snippetBytes < 0 || snippetBytes > ResponseSnippet.MAX_BYTES) {
      throw new IllegalArgumentException(
          "snippetBytes must be 0 to " + ResponseSnippet.MAX_BYTES + ", not " + snippetBytes);
    }
    this.snippetBytes = snippetBytes;
    this.requestTimeoutMillis = config.requestTimeout().toMillis();
    this.maxResponseBytes = config.maxResponseBytes();
    this.policy = AddressPolicy.fromConfig(config.allowedNetworks());
    this.viaProxy = !config.proxy().isEmpty();
    DnsResolver guarded = new GuardedDnsResolver(policy, nameService);
    Duration answerLifetime = ANSWER_LIFETIME.plus(config.requestTimeout());
    ResolvedNames.Budget budget =
        new ResolvedNames.Budget(
            config.dns().threads(), config.dns().perDomain(), config.dns().timeout());
    this.names =
        new ResolvedNames(
            viaProxy
                ? new ProxyAwareResolver(HostPort.parse(config.proxy()).host(), guarded)
                : guarded,
            answerLifetime,
            System::nanoTime,
            budget);
    this.checkedTargets =
        viaProxy ? new ResolvedNames(guarded, answerLifetime, System::nanoTime, budget) : null;
    Timeout requestTimeout = Timeout.ofMilliseconds(requestTimeoutMillis);
    this.connections =
        PoolingAsyncClientConnectionManagerBuilder.create()
            .setDnsResolver(names)
            // LAX: leases and releases take no pool-wide lock. It enforces only the per-route
            // maximum; the total stays bounded by the engine's max-in-flight (leased) and by the
            // idle eviction below (idle).
            .setPoolConcurrencyPolicy(PoolConcurrencyPolicy.LAX)
            .setMaxConnTotal(config.maxInFlight())
            .setMaxConnPerRoute(config.hostConcurrency().max())
            .setDefaultConnectionConfig(
                ConnectionConfig.custom()
                    .setConnectTimeout(Timeout.ofMilliseconds(config.connectTimeout().toMillis()))
                    .setSocketTimeout(requestTimeout)
                    .build())
            .build();
    HttpAsyncClientBuilder builder =
        HttpAsyncClients.custom()
            .setConnectionManager(connections)
            .setIOReactorConfig(
                IOReactorConfig.custom()
                    .setIoThreadCount(Math.max(1, Runtime.getRuntime().availableProcessors()))
                    .build())
            .setDefaultRequestConfig(
                RequestConfig.custom()
                    .setResponseTimeout(requestTimeout)
                    .setConnectionRequestTimeout(requestTimeout)
                    .setRedirectsEnabled(false)
                    .build())
            .disableRedirectHandling()
            .disableAutomaticRetries()
            .disableCookieManagement()
            .disableAuthCaching()
            .disableContentCompression()
            .evictIdleConnections(TimeValue.ofMilliseconds(idleConnectionLifetime.toMillis()));
    if (viaProxy) {
      HostPort proxy = HostPort.parse(config.proxy());
      builder.setProxy(new HttpHost(proxy.host(), proxy.port()));
    }
    this.client = builder.build();
    this.deadlines = new Deadlines(config.requestTimeout());
    client.start();
  }

  /**
   * Hands the request to the client in the calling thread. This never blocks: a request that needs
   * a new connection to a name not looked up yet fails inside the client before connecting, and is
   * looked up and handed over again on a lookup thread ({@link ResolvedNames}), so a subscriber's
   * slow or silent DNS server never holds up the consumer loop that calls this.
   */
  @Override
  public CompletableFuture<HttpResult> send(WebhookRequest request) {
    URI url = request.url();
    String host = url.getHost();
    if (host != null && NumericHosts.ambiguous(host)) {
      return CompletableFuture.completedFuture(
          new HttpResult.Failure(
              HttpResult.Kind.BLOCKED_TARGET,
              "target " + host + " is a numeric address that reads more than one way"));
    }
    Exchange exchange =
        new Exchange(request, client, names, maxResponseBytes, snippetBytes, requestTimeoutMillis);
    Deadlines.Ticket ticket = deadlines.add(exchange::expire, exchange::abandon);
    exchange.result().whenComplete((r, e) -> ticket.done());
    if (viaProxy && host != null && !checkedTargets.knows(host)) {
      checkTargetThenStart(host, exchange);
    } else {
      exchange.start();
    }
    return exchange.result();
  }

  /**
   * With a proxy, the client connects only to the proxy, which looks the target up itself. The
   * target is looked up here first, through the guard, on a lookup thread: a target that resolves
   * only to refused addresses, or cannot be resolved, never reaches the proxy. What remains is
   * trust in the proxy's own lookup (it could get another answer than the guard did), which the
   * proxy's egress rules should close.
   */
  private void checkTargetThenStart(String host, Exchange exchange) {
    checkedTargets
        .lookUp(host)
        .whenComplete(
            (ok, failed) -> {
              if (failed != null) {
                exchange.fail(failed);
              } else {
                exchange.start();
              }
            });
  }

  /** The pool's connections: leased, idle, pending (for tests). */
  PoolStats connections() {
    return connections.getTotalStats();
  }

  /**
   * Name lookups that overran {@code delivery.dns-lookup-timeout} and still hold a lookup thread
   * (see {@link ResolvedNames}).
   */
  public int overdueLookups() {
    return names.overdueLookups() + (checkedTargets == null ? 0 : checkedTargets.overdueLookups());
  }

  @Override
  public void close() {
    names.close();
    if (checkedTargets != null) {
      checkedTargets.close();
    }
    // The worker closes the sender after its loops have drained: what is still in flight then
    // (a black hole's requests) is given up, not waited for. Its exchanges end first, then every
    // connection is closed, leased or not (the client gives back an ended exchange's connection
    // on its I/O thread, which may not have got to it yet); the I/O reactor, asked to stop, then
    // has nothing left to wait for and closes itself. Closed from here while it still waited, it
    // would trip over its own closed selector (an ERROR with a ClosedSelectorException) and leave
    // those exchanges unanswered.
    deadlines.close();
    connections.close(CloseMode.IMMEDIATE);
    client.initiateShutdown();
    try {
      client.awaitShutdown(TimeValue.ofSeconds(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    client.close(CloseMode.IMMEDIATE);
  }
}
