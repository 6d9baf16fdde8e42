package dev.fanout.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.BlockingArrayQueue;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The operations port: {@code GET /metrics} (Prometheus text), {@code GET /health/live} and {@code
 * GET /health/ready}. Nothing else: no page names a webhook, a URL or a secret (only {@code
 * /metrics} names hosts, and only with {@code metrics.per-endpoint=true}).
 *
 * <p>It must answer an orchestrator's probes whatever else connects, so no client can hold it:
 *
 * <pre>
 *   accept + read (1 selector thread, non-blocking: an idle or half-sent request costs a buffer)
 *     ├─ {@value #MAX_CONNECTIONS} connections open: no more are accepted until one closes
 *     ├─ nothing read or written for {@link #IDLE_TIMEOUT}: closed
 *     ├─ open for {@link #CONNECTION_DEADLINE} (a slow drip of a request): closed
 *     └─ a whole request (request line and headers ≤ 8 KiB)
 *          ─► at most {@value #MAX_THREADS} pool threads (a scrape never delays a probe's read)
 *          ─► response, then the connection is closed
 * </pre>
 *
 * Jetty (core, no servlets) does the reading and parsing. Its idle timeout resets on every byte,
 * and its minimum request data rate covers bodies, not headers; so the deadline is kept here. The
 * JDK's server reads each request on its executor's threads without a read timeout, so a half-sent
 * request held one of them for ever.
 *
 * <p>The pool's task queue grows as needed: a connection has at most one task queued at a time, so
 * the connection limit bounds it. A fixed-size queue would not bound anything more, and Jetty drops
 * what it cannot queue, its own read and write completions included: 100 half-sent requests
 * overflowed a queue of 64 and a liveness probe was dropped with them (Jetty 12.1 warns of any
 * bounded queue for that reason).
 */
public final class ManagementServer implements AutoCloseable {
  static final int MAX_CONNECTIONS = 512;
  static final int MAX_THREADS = 4;
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(5);
  static final Duration CONNECTION_DEADLINE = Duration.ofSeconds(10);
  private static final int MAX_HEADER_BYTES = 8192;

  private final Server server;
  private final ServerConnector connector;

  /**
   * Binds and starts serving.
   *
   * @param bindAddress the address to listen on ({@code management.bind-address})
   * @param port the port; 0 picks a free one
   * @throws IllegalStateException when the port cannot be bound
   */
  public ManagementServer(
      String bindAddress,
      int port,
      PrometheusMeterRegistry registry,
      BooleanSupplier live,
      BooleanSupplier ready)
      throws InterruptedException {
    QueuedThreadPool threads =
        new QueuedThreadPool(
            MAX_THREADS,
            1,
            60_000,
            0,
            new BlockingArrayQueue<>(64, 64), // grows: see above
            null);
    threads.setName("fanout-management");
    threads.setDaemon(true);
    Scheduler scheduler = new ScheduledExecutorScheduler("fanout-management-scheduler", true);
    server = new Server(threads, scheduler, null);
    server.setStopTimeout(1_000);

    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(MAX_HEADER_BYTES);
    http.setSendServerVersion(false);
    http.setSendDateHeader(false);
    http.setPersistentConnectionsEnabled(false);
    // No acceptor threads: the one selector accepts as well, without blocking.
    connector = new ServerConnector(server, 0, 1, new HttpConnectionFactory(http));
    connector.setHost(bindAddress);
    connector.setPort(port);
    connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
    connector.setAcceptQueueSize(128);
    connector.setReuseAddress(true);
    connector.addEventListener(new Deadline(scheduler));
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, connector));
    server.setHandler(new Routes(registry, live, ready));
    try {
      server.start();
    } catch (Exception e) {
      stop();
      if (e instanceof InterruptedException interrupted) {
        throw interrupted;
      }
      throw new IllegalStateException(
          "cannot listen on the management port " + bindAddress + ":" + port + ": " + e, e);
    }
  }

  public int port() {
    return connector.getLocalPort();
  }

  @Override
  public void close() {
    stop();
  }

  private void stop() {
    try {
      server.stop();
    } catch (Exception e) {
      // stopping: the threads are daemons, nothing is left to hold the process
    }
  }

  /**
   * Closes a connection {@link #CONNECTION_DEADLINE} after it opened: a client that sends a byte
   * every few seconds resets the idle timeout, not this. Every response closes its connection
   * anyway, so no well-behaved client meets it.
   */
  private static final class Deadline implements Connection.Listener {
    private final Scheduler scheduler;
    private final Map<Connection, Scheduler.Task> closing = new ConcurrentHashMap<>();

    Deadline(Scheduler scheduler) {
      this.scheduler = scheduler;
    }

    @Override
    public void onOpened(Connection connection) {
      closing.put(
          connection,
          scheduler.schedule(
              () -> connection.getEndPoint().close(),
              CONNECTION_DEADLINE.toMillis(),
              TimeUnit.MILLISECONDS));
    }

    @Override
    public void onClosed(Connection connection) {
      Scheduler.Task task = closing.remove(connection);
      if (task != null) {
        task.cancel();
      }
    }
  }

  /** Answers the three paths; runs on the pool threads. */
  private static final class Routes extends Handler.Abstract {
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String TEXT = "text/plain; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final BooleanSupplier live;
    private final BooleanSupplier ready;

    Routes(PrometheusMeterRegistry registry, BooleanSupplier live, BooleanSupplier ready) {
      this.registry = registry;
      this.live = live;
      this.ready = ready;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      String path = request.getHttpURI().getDecodedPath();
      boolean known =
          "/metrics".equals(path) || "/health/live".equals(path) || "/health/ready".equals(path);
      if (!known) {
        respond(response, callback, HttpStatus.NOT_FOUND_404, TEXT, "not found\n");
      } else if (!HttpMethod.GET.is(request.getMethod())) {
        response.getHeaders().put(HttpHeader.ALLOW, "GET");
        respond(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, TEXT, "GET only\n");
      } else if (path.equals("/metrics")) {
        respond(response, callback, HttpStatus.OK_200, PROMETHEUS_TEXT, registry.scrape());
      } else {
        boolean ok = path.equals("/health/live") ? live.getAsBoolean() : ready.getAsBoolean();
        String body =
            path.equals("/health/live")
                ? (ok ? "live\n" : "stopped\n")
                : (ok ? "ready\n" : "not ready\n");
        respond(
            response,
            callback,
            ok ? HttpStatus.OK_200 : HttpStatus.SERVICE_UNAVAILABLE_503,
            TEXT,
            body);
      }
      return true;
    }

    private static void respond(
        Response response, Callback callback, int status, String type, String body) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      response.setStatus(status);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
      response.write(true, ByteBuffer.wrap(bytes), callback);
    }
  }
}
