package dev.fanout.delivery.http;

import dev.fanout.config.FanoutConfig;
import dev.fanout.config.HostPort;
import dev.fanout.delivery.HttpResult;
import dev.fanout.delivery.WebhookRequest;
import dev.fanout.delivery.WebhookSender;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Pattern;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClientBuilder;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.Method;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.nio.entity.AsyncEntityProducers;
import org.apache.hc.core5.http.nio.support.BasicRequestProducer;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.pool.PoolStats;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.Timeout;

/**
 * {@link WebhookSender} on Apache HttpClient 5 (async, pooled). Chosen because it lets the SSRF
 * guard be the resolver the client connects through, and because it posts about twice as fast as
 * the JDK client on small machines.
 *
 * <p>Per request: no redirects, no automatic retries, no cookies; connect timeout, and a deadline
 * on the whole exchange (enforced here, since the client's own timeouts are per socket read and a
 * trickling endpoint would evade them). Thread-safe.
 */
public final class ApacheHttpWebhookSender implements WebhookSender {
  private static final int SUBMITTERS = 8;
  private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|\\[?[0-9a-fA-F:.]+]?");

  private final CloseableHttpAsyncClient client;
  private final PoolingAsyncClientConnectionManager connections;
  private final Deadlines deadlines;
  // Threads that hand requests to the client; blocked only by name lookups of new connections.
  private final ExecutorService submitters =
      Executors.newFixedThreadPool(
          SUBMITTERS,
          r -> {
            Thread t = new Thread(r, "fanout-http-submit");
            t.setDaemon(true);
            return t;
          });
  private final long requestTimeoutMillis;
  private final int maxResponseBytes;
  private final AddressPolicy policy;
  private final boolean viaProxy;

  public ApacheHttpWebhookSender(FanoutConfig.Delivery config) {
    this(config, org.apache.hc.client5.http.SystemDefaultDnsResolver.INSTANCE);
  }

  /** With the name service to ask (tests pass a slow one); the SSRF guard always wraps it. */
  ApacheHttpWebhookSender(FanoutConfig.Delivery config, DnsResolver names) {
    this.requestTimeoutMillis = config.requestTimeout().toMillis();
    this.maxResponseBytes = config.maxResponseBytes();
    this.policy = AddressPolicy.fromConfig(config.allowedNetworks());
    this.viaProxy = !config.proxy().isEmpty();
    Timeout requestTimeout = Timeout.ofMilliseconds(requestTimeoutMillis);
    this.connections =
        PoolingAsyncClientConnectionManagerBuilder.create()
            .setDnsResolver(
                viaProxy
                    ? new ProxyAwareResolver(
                        HostPort.parse(config.proxy()).host(),
                        new GuardedDnsResolver(policy, names))
                    : new GuardedDnsResolver(policy, names))
            .setPoolConcurrencyPolicy(PoolConcurrencyPolicy.LAX)
            .setMaxConnTotal(config.maxInFlight())
            .setMaxConnPerRoute(config.maxInFlightPerEndpoint())
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
            .disableContentCompression();
    if (viaProxy) {
      HostPort proxy = HostPort.parse(config.proxy());
      builder.setProxy(new HttpHost(proxy.host(), proxy.port()));
    }
    this.client = builder.build();
    this.deadlines = new Deadlines(config.requestTimeout());
    client.start();
  }

  @Override
  /**
   * Hands the request to the client on a submitting thread, never the caller's: the client leases
   * and connects in the calling thread, and a new connection starts with a name lookup, which a
   * subscriber's slow or silent DNS server can stretch to many seconds. The consumer loop that
   * calls this must never wait for that.
   */
  public CompletableFuture<HttpResult> send(WebhookRequest request) {
    try {
      return CompletableFuture.supplyAsync(() -> submit(request), submitters)
          .thenCompose(result -> result);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedFuture(
          new HttpResult.Failure(HttpResult.Kind.CONNECT, "request not sent: sender closed"));
    }
  }

  private CompletableFuture<HttpResult> submit(WebhookRequest request) {
    URI url = request.url();
    if (viaProxy && refusedLiteral(url.getHost())) {
      return CompletableFuture.completedFuture(
          new HttpResult.Failure(
              HttpResult.Kind.BLOCKED_TARGET, "target " + url.getHost() + " is a refused address"));
    }
    Exchange exchange = new Exchange(url, maxResponseBytes, requestTimeoutMillis);
    Deadlines.Ticket ticket = deadlines.add(exchange::expire);
    exchange.result().whenComplete((r, e) -> ticket.done());
    try {
      exchange.started(
          client.execute(
              new BasicRequestProducer(
                  post(request),
                  AsyncEntityProducers.create(request.body(), ContentType.APPLICATION_JSON)),
              exchange.consumer(),
              exchange));
    } catch (RuntimeException e) {
      // The contract is a future that always completes normally: a request the client refuses
      // outright (an odd URL, a client already closed) is a connection failure, not a crash.
      exchange.notSent(e.getClass().getSimpleName());
    }
    return exchange.result();
  }

  private static BasicHttpRequest post(WebhookRequest request) {
    BasicHttpRequest http = new BasicHttpRequest(Method.POST, request.url());
    for (WebhookRequest.Header header : request.headers()) {
      if (!header.name().equalsIgnoreCase("content-type")) {
        http.addHeader(header.name(), header.value());
      }
    }
    return http;
  }

  private boolean refusedLiteral(String host) {
    if (host == null || !IP_LITERAL.matcher(host).matches()) {
      return false;
    }
    try {
      String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
      return !policy.permits(InetAddress.getByName(literal));
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** The pool's connections: leased, idle, pending (for tests). */
  PoolStats connections() {
    return connections.getTotalStats();
  }

  @Override
  public void close() {
    submitters.shutdownNow();
    client.close(CloseMode.GRACEFUL);
    deadlines.close();
  }
}
