package dev.fanout.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A real HTTP server on 127.0.0.1 that records every request and answers per path as a test scripts
 * it (200 unless told otherwise).
 */
public final class TestReceiver implements AutoCloseable {
  static {
    // The JDK server leaves Nagle's algorithm on unless told otherwise, which adds up to 40 ms
    // (delayed ACK) to every small response. It reads this property once, at first use.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    // It keeps 200 idle connections and closes the others as soon as they have answered; a
    // client with more connections than that would keep finding its pooled ones closed.
    System.setProperty("sun.net.httpserver.maxIdleConnections", "2000");
  }

  /** One recorded request; header names are lower case. */
  public record Request(
      String path,
      Map<String, String> headers,
      byte[] body,
      java.time.Instant receivedAt,
      int status) {
    public String header(String name) {
      return headers.get(name);
    }

    /** The event id, read from the body. */
    public String eventId() {
      return new String(body, java.nio.charset.StandardCharsets.UTF_8)
          .replaceAll("(?s).*\"id\"\\s*:\\s*\"([^\"]+)\".*", "$1");
    }
  }

  /**
   * What to answer.
   *
   * @param body the response body; null for none
   */
  public record Reply(int status, Map<String, String> headers, byte[] body) {
    public Reply(int status, Map<String, String> headers) {
      this(status, headers, null);
    }

    public static Reply status(int status) {
      return new Reply(status, Map.of());
    }

    /** An answer with a body, in UTF-8, of the given content type. */
    public static Reply body(int status, String contentType, String body) {
      return new Reply(
          status,
          Map.of("Content-Type", contentType),
          body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, Function<Request, Reply>> behaviour = new ConcurrentHashMap<>();

  public TestReceiver() throws IOException {
    this(8);
  }

  /**
   * @param threads requests answered at once; a slow endpoint answering many requests in parallel
   *     needs many
   */
  public TestReceiver(int threads) throws IOException {
    executor = Executors.newFixedThreadPool(threads);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
    server.setExecutor(executor);
    server.createContext(
        "/",
        exchange -> {
          try (exchange;
              InputStream in = exchange.getRequestBody()) {
            Map<String, String> headers = new TreeMap<>();
            exchange
                .getRequestHeaders()
                .forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
            Request request =
                new Request(
                    exchange.getRequestURI().getPath(),
                    headers,
                    in.readAllBytes(),
                    java.time.Instant.now(),
                    0);
            Reply reply =
                behaviour.getOrDefault(request.path(), r -> Reply.status(200)).apply(request);
            requests.add(
                new Request(
                    request.path(), headers, request.body(), request.receivedAt(), reply.status()));
            reply.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            if (reply.body() == null) {
              exchange.sendResponseHeaders(reply.status(), -1);
            } else {
              exchange.sendResponseHeaders(reply.status(), reply.body().length);
              exchange.getResponseBody().write(reply.body());
            }
          }
        });
    server.start();
  }

  public URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  public void answer(String path, Function<Request, Reply> reply) {
    behaviour.put(path, reply);
  }

  public void answer(String path, int status) {
    answer(path, r -> Reply.status(status));
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  public List<Request> requests(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).toList();
  }

  /** Event ids received on a path, in arrival order, duplicates included. */
  public List<String> eventIds(String path) {
    return requests(path).stream().map(Request::eventId).toList();
  }

  /** Event ids answered with 2xx on a path: what was delivered. */
  public List<String> deliveredEventIds(String path) {
    return requests(path).stream()
        .filter(r -> r.status() >= 200 && r.status() < 300)
        .map(Request::eventId)
        .toList();
  }

  /** An answer after a delay, as a slow endpoint gives it. */
  public static Function<Request, Reply> slow(long millis, int status) {
    return r -> {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Reply.status(status);
    };
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
