package dev.fanout.delivery.http;

import dev.fanout.delivery.HttpResult;
import dev.fanout.delivery.WebhookRequest;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.EndpointDetails;
import org.apache.hc.core5.http.Method;
import org.apache.hc.core5.http.RequestNotExecutedException;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.nio.entity.AsyncEntityProducers;
import org.apache.hc.core5.http.nio.support.BasicRequestProducer;

/**
 * One request's way through the client, and the one place its result is decided. The result always
 * completes normally, exactly once, with whichever comes first:
 *
 * <pre>
 *   response read ─► client returns the connection to the pool ─► Response
 *   status read, then the body or connection failed ────────────► Response (the status stands)
 *   name not looked up yet ─► look it up ─► hand to the client once more (at most once)
 *   a pooled connection the server had closed, no answer ───────► hand to the client again
 *                                                                  (at most MAX_UNSENT times)
 *   failure ─────────────────────────────────────────────────────► Failure (kind)
 *   cancelled, or the deadline passed ───────────────────────────► Failure TIMEOUT
 *   the sender closed first ─────────────────────────────────────► Failure TIMEOUT
 * </pre>
 *
 * <p>A response is reported only once the client has released its connection: the client calls back
 * with the response first and returns the connection afterwards, and a caller that sends its next
 * request from the result (as the delivery engine does when a slot frees) would otherwise find no
 * idle connection and open a new one.
 *
 * <p>A request handed to the client again after a lookup was never sent: the client failed it
 * before connecting ({@link ResolvedNames}). A request whose pooled connection turns out closed by
 * the server, before any answer, is handed over again too: servers close idle keep-alive
 * connections all the time, and a request written into one that is closing reaches nobody. Like
 * browsers and OkHttp, the client cannot tell that case from a server that read the request and
 * then hung up; the receiver may then see it twice, with the same delivery id. On a new connection,
 * the same failure is reported: the endpoint is failing.
 *
 * <p>Once the status line is read, the receiver has answered: a body or connection that then fails
 * changes nothing (a 2xx whose body is cut off is delivered, with what was kept of the body marked
 * as cut). Thread-safe.
 */
final class Exchange {
  /** Hand-overs of a request that never left, before its failure is reported. */
  private static final int MAX_UNSENT = 10;

  private final WebhookRequest request;
  private final CloseableHttpAsyncClient client;
  private final ResolvedNames names;
  private final int maxResponseBytes;
  private final int snippetBytes;
  private final long timeoutMillis;
  private final CompletableFuture<HttpResult> result = new CompletableFuture<>();
  private volatile Attempt attempt;
  private volatile boolean lookedUp;
  private final AtomicInteger unsent = new AtomicInteger();

  Exchange(
      WebhookRequest request,
      CloseableHttpAsyncClient client,
      ResolvedNames names,
      int maxResponseBytes,
      int snippetBytes,
      long timeoutMillis) {
    this.request = request;
    this.client = client;
    this.names = names;
    this.maxResponseBytes = maxResponseBytes;
    this.snippetBytes = snippetBytes;
    this.timeoutMillis = timeoutMillis;
  }

  CompletableFuture<HttpResult> result() {
    return result;
  }

  /** Hands the request to the client, in the calling thread, unless it has ended already. */
  void start() {
    if (result.isDone()) {
      return; // abandoned: the sender closed before the request was handed over
    }
    Attempt current = new Attempt();
    attempt = current;
    try {
      current.started(
          client.execute(
              new BasicRequestProducer(
                  post(request),
                  AsyncEntityProducers.create(request.body(), ContentType.APPLICATION_JSON)),
              current.consumer,
              null,
              current.context,
              current));
    } catch (RuntimeException e) {
      // The contract is a future that always completes normally: a request the client refuses
      // outright (an odd URL, a client already closed) is a connection failure, not a crash.
      result.complete(
          new HttpResult.Failure(
              HttpResult.Kind.CONNECT, "request not sent: " + e.getClass().getSimpleName()));
    }
  }

  /** The request was not sent: report why (a refused or unknown target). */
  void fail(Throwable cause) {
    result.complete(failure(unwrap(cause), request.url()));
  }

  /** The deadline passed: stop the exchange and report a timeout (or the response, if read). */
  void expire() {
    end(timedOut());
  }

  /**
   * The sender is closing: stop the exchange now and report that no answer came (or the response,
   * if read). Without this, the client's shutdown would wait for a black hole's answer.
   */
  void abandon() {
    end(
        new HttpResult.Failure(
            HttpResult.Kind.TIMEOUT, "no complete response before the sender was closed"));
  }

  /**
   * Completes the result before the request is cancelled: the client reports a cancel as a timeout,
   * which would otherwise be the result.
   */
  private void end(HttpResult.Failure failure) {
    Attempt current = attempt;
    HttpResult.Response response = current != null ? current.received : null;
    result.complete(response != null ? response : failure);
    if (current != null) {
      current.cancel();
    }
  }

  private void failed(Exception e, HttpResult.Response partial, boolean reusedConnection) {
    ResolvedNames.NotResolvedYetException unknown = notResolvedYet(e);
    if (unknown != null && !lookedUp) {
      lookedUp = true;
      names
          .lookUp(unknown.host())
          .whenComplete(
              (ok, lookupFailed) -> {
                if (lookupFailed != null) {
                  result.complete(failure(unwrap(lookupFailed), request.url()));
                } else if (!result.isDone()) {
                  start();
                }
              });
    } else if (partial != null) {
      result.complete(partial);
    } else if ((notExecuted(e) || (reusedConnection && closedUnderIt(e)))
        && unsent.incrementAndGet() <= MAX_UNSENT
        && !result.isDone()) {
      start();
    } else {
      result.complete(failure(e, request.url()));
    }
  }

  private HttpResult.Failure timedOut() {
    return new HttpResult.Failure(
        HttpResult.Kind.TIMEOUT, "no complete response within " + timeoutMillis + " ms");
  }

  /** One hand-over to the client. */
  private final class Attempt implements FutureCallback<HttpResult.Response> {
    final DrainingResponseConsumer consumer =
        new DrainingResponseConsumer(maxResponseBytes, snippetBytes, this::released);
    final HttpClientContext context = HttpClientContext.create();
    volatile HttpResult.Response received;
    private volatile Future<?> inFlight;

    void started(Future<?> exchange) {
      inFlight = exchange;
      if (result.isDone()) {
        exchange.cancel(true);
      }
    }

    void cancel() {
      Future<?> exchange = inFlight;
      if (exchange != null) {
        exchange.cancel(true);
      }
    }

    @Override
    public void completed(HttpResult.Response response) {
      received = response; // reported when released
    }

    private void released() {
      HttpResult.Response response = received;
      if (response != null) {
        result.complete(response);
      }
    }

    @Override
    public void failed(Exception e) {
      Exchange.this.failed(e, consumer.response(), onReusedConnection());
    }

    /** Whether the connection had carried earlier requests: it came from the pool. */
    private boolean onReusedConnection() {
      EndpointDetails details = context.getEndpointDetails();
      return details != null && details.getRequestCount() > 1;
    }

    @Override
    public void cancelled() {
      result.complete(timedOut());
    }
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

  private static ResolvedNames.NotResolvedYetException notResolvedYet(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof ResolvedNames.NotResolvedYetException unknown) {
        return unknown;
      }
    }
    return null;
  }

  /** The connection was closed or reset by the peer (not timed out). */
  private static boolean closedUnderIt(Throwable e) {
    return e instanceof ConnectionClosedException || e instanceof SocketException;
  }

  private static boolean notExecuted(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof RequestNotExecutedException) {
        return true;
      }
    }
    return false;
  }

  private static Throwable unwrap(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  /** Maps a client exception to a failure kind with a short message that holds no headers. */
  static HttpResult.Failure failure(Throwable e, URI url) {
    Throwable cause = e;
    while (cause != null) {
      if (cause instanceof BlockedTargetException) {
        return new HttpResult.Failure(HttpResult.Kind.BLOCKED_TARGET, cause.getMessage());
      }
      cause = cause.getCause();
    }
    String where = url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "");
    if (e instanceof ConnectTimeoutException) {
      return new HttpResult.Failure(HttpResult.Kind.CONNECT, "connect to " + where + " timed out");
    }
    if (e instanceof SocketTimeoutException || e instanceof InterruptedIOException) {
      return new HttpResult.Failure(
          HttpResult.Kind.TIMEOUT, "response from " + where + " timed out");
    }
    if (e instanceof ResolvedNames.LookupBudgetException) {
      return new HttpResult.Failure(HttpResult.Kind.CONNECT, e.getMessage());
    }
    if (e instanceof UnknownHostException) {
      return new HttpResult.Failure(
          HttpResult.Kind.CONNECT, "host " + url.getHost() + " not found");
    }
    if (e instanceof SSLException) {
      return new HttpResult.Failure(HttpResult.Kind.CONNECT, "TLS with " + where + " failed");
    }
    return new HttpResult.Failure(
        HttpResult.Kind.CONNECT, e.getClass().getSimpleName() + " talking to " + where);
  }
}
