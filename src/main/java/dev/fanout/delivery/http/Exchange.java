package dev.fanout.delivery.http;

import dev.fanout.delivery.HttpResult;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.concurrent.FutureCallback;

/**
 * One request's exchange with the client, and the one place its result is decided. The result
 * always completes normally, exactly once, with whichever comes first:
 *
 * <pre>
 *   response read ─► (client returns the connection to the pool) ─► released ─► Response
 *   body over the cap after the status ─────────────────────────────────────► Response
 *   failure ─────────────────────────────────────────────────────────────────► Failure (kind)
 *   cancelled, or the deadline passed ───────────────────────────────────────► Failure TIMEOUT
 * </pre>
 *
 * <p>A response is reported only once the client has released its connection: the client calls back
 * with the response first and returns the connection afterwards, and a caller that sends its next
 * request from the result (as the delivery engine does when a slot frees) would otherwise find no
 * idle connection and open a new one. Thread-safe.
 */
final class Exchange implements FutureCallback<HttpResult.Response> {
  private final URI url;
  private final long timeoutMillis;
  private final CompletableFuture<HttpResult> result = new CompletableFuture<>();
  private final DrainingResponseConsumer consumer;
  private volatile HttpResult.Response received;
  private volatile Future<?> inFlight;

  Exchange(URI url, int maxResponseBytes, long timeoutMillis) {
    this.url = url;
    this.timeoutMillis = timeoutMillis;
    this.consumer = new DrainingResponseConsumer(maxResponseBytes, this::released);
  }

  CompletableFuture<HttpResult> result() {
    return result;
  }

  DrainingResponseConsumer consumer() {
    return consumer;
  }

  /** The client's future of this exchange, which the deadline cancels. */
  void started(Future<?> exchange) {
    inFlight = exchange;
    if (result.isDone()) {
      exchange.cancel(true);
    }
  }

  /** The request never reached the client. */
  void notSent(String why) {
    result.complete(new HttpResult.Failure(HttpResult.Kind.CONNECT, "request not sent: " + why));
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
    HttpResult.Response partial = consumer.response();
    if (e instanceof DrainingResponseConsumer.BodyTooLongException && partial != null) {
      result.complete(partial);
    } else {
      result.complete(failure(e, url));
    }
  }

  @Override
  public void cancelled() {
    result.complete(timedOut());
  }

  /** The deadline passed: stop the exchange and report a timeout (or the response, if read). */
  void expire() {
    Future<?> exchange = inFlight;
    if (exchange != null) {
      exchange.cancel(true);
    }
    HttpResult.Response response = received;
    result.complete(response != null ? response : timedOut());
  }

  private HttpResult.Failure timedOut() {
    return new HttpResult.Failure(
        HttpResult.Kind.TIMEOUT, "no complete response within " + timeoutMillis + " ms");
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
