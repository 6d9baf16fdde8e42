package dev.fanout.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fanout.signing.SignatureVerifier;
import dev.fanout.signing.SigningSecret;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The subscriber side of the demo: an HTTP server on 127.0.0.1 that checks both signatures of every
 * request, as a subscriber should, and answers {@code /hooks/ok} with 200 and {@code /hooks/fail}
 * with 500.
 */
public final class DemoReceiver implements AutoCloseable {
  static {
    // The JDK server leaves Nagle's algorithm on unless told otherwise, which adds up to 40 ms
    // (delayed ACK) to every small response. It reads this property once, at first use.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  /** One request as the receiver saw it. */
  public record Received(
      String path,
      String eventType,
      String deliveryId,
      int status,
      boolean y42SignatureValid,
      boolean standardSignatureValid) {}

  private final HttpServer server;
  private final ExecutorService executor;

  public DemoReceiver(SigningSecret secret, Consumer<Received> onRequest) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    executor = Executors.newFixedThreadPool(4);
    server.setExecutor(executor);
    server.createContext("/hooks/", exchange -> handle(exchange, secret, onRequest));
    server.start();
  }

  public URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  private static void handle(
      HttpExchange exchange, SigningSecret secret, Consumer<Received> onRequest)
      throws IOException {
    try (exchange;
        InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readAllBytes();
      var headers = exchange.getRequestHeaders();
      boolean y42 = SignatureVerifier.verifyY42(secret, body, headers.getFirst("x-y42-signature"));
      boolean standard =
          SignatureVerifier.verifyStandard(
              secret,
              headers.getFirst("webhook-id"),
              headers.getFirst("webhook-timestamp"),
              body,
              headers.getFirst("webhook-signature"),
              Instant.now(),
              Duration.ofMinutes(5));
      String path = exchange.getRequestURI().getPath();
      int status = !(y42 && standard) ? 401 : path.endsWith("/fail") ? 500 : 200;
      onRequest.accept(
          new Received(
              path,
              headers.getFirst("x-y42-event"),
              headers.getFirst("x-y42-delivery"),
              status,
              y42,
              standard));
      exchange.sendResponseHeaders(status, -1);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
