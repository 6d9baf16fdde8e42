package dev.fanout.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The operations port: {@code GET /metrics} (Prometheus text), {@code GET /health/live} (the
 * process answers) and {@code GET /health/ready} (the subscription table has caught up and this
 * member owns partitions). Low traffic, so the JDK's built-in server suffices.
 */
public final class ManagementServer implements AutoCloseable {
  static {
    // The JDK server leaves Nagle's algorithm on unless told otherwise, which adds up to 40 ms
    // (delayed ACK) to every small response. It reads this property once, at first use.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final HttpServer server;

  public ManagementServer(
      String host,
      int port,
      PrometheusMeterRegistry registry,
      BooleanSupplier live,
      BooleanSupplier ready)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(host, port), 16);
    server.setExecutor(
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "fanout-management");
              t.setDaemon(true);
              return t;
            }));
    server.createContext(
        "/metrics",
        exchange ->
            respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
    server.createContext(
        "/health/live",
        exchange -> {
          boolean isLive = live.getAsBoolean();
          respond(exchange, isLive ? 200 : 503, "text/plain", isLive ? "live\n" : "stopped\n");
        });
    server.createContext(
        "/health/ready",
        exchange -> {
          boolean isReady = ready.getAsBoolean();
          respond(exchange, isReady ? 200 : 503, "text/plain", isReady ? "ready\n" : "not ready\n");
        });
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("GET")) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("content-type", type);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
