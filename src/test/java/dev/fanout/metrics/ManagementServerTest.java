package dev.fanout.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ManagementServerTest {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicBoolean ready = new AtomicBoolean(false);
  private final List<Socket> sockets = new ArrayList<>();
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private ManagementServer server;

  @AfterEach
  void stop() throws Exception {
    for (Socket socket : sockets) {
      socket.close();
    }
    if (server != null) {
      server.close();
    }
    registry.close();
  }

  private void start() throws Exception {
    server = new ManagementServer("127.0.0.1", 0, registry, () -> true, ready::get);
  }

  @Test
  void answersLivenessWhileAHundredHalfSentRequestsHoldTheirConnections() throws Exception {
    start();
    for (int i = 0; i < 100; i++) {
      Socket socket = new Socket();
      socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
      OutputStream out = socket.getOutputStream();
      out.write("GET /he".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      sockets.add(socket);
    }

    HttpResponse<String> live = get("/health/live", "GET");

    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.body()).isEqualTo("live\n");
  }

  @Test
  void closesAConnectionThatSendsNothing() throws Exception {
    start();
    Socket idle = new Socket();
    idle.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
    sockets.add(idle);
    // Generous: the server closes after ManagementServer.IDLE_TIMEOUT (5 s); a read that returns
    // -1 rather than timing out shows the server, not this test, ended it.
    idle.setSoTimeout(60_000);
    InputStream in = idle.getInputStream();

    assertThat(in.read()).isEqualTo(-1);
  }

  @Test
  void closesAConnectionThatDripsItsRequestPastTheDeadline() throws Exception {
    start();
    Socket drip = new Socket();
    drip.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
    sockets.add(drip);
    drip.setSoTimeout(1_000);
    OutputStream out = drip.getOutputStream();
    InputStream in = drip.getInputStream();
    // One header byte a second keeps the read timeout (5 s) from firing; the deadline (10 s) ends
    // it. Count reads that time out: the connection must end, with nothing answered, well
    // before 60 of them.
    boolean closed = false;
    for (int second = 0; second < 60 && !closed; second++) {
      try {
        out.write(second == 0 ? "GET /health/live HTTP/1.1\r\nx: ".getBytes() : "a".getBytes());
        out.flush();
      } catch (java.io.IOException e) {
        closed = true; // reset by the server
        break;
      }
      try {
        closed = in.read() == -1;
      } catch (java.net.SocketTimeoutException e) {
        // still open
      } catch (java.io.IOException e) {
        closed = true;
      }
    }

    assertThat(closed).isTrue();
  }

  @Test
  void readinessFollowsItsSupplierAndUnknownPathsAndMethodsAreRefused() throws Exception {
    start();
    assertThat(get("/health/ready", "GET").statusCode()).isEqualTo(503);
    ready.set(true);
    assertThat(get("/health/ready", "GET").statusCode()).isEqualTo(200);
    assertThat(get("/health/ready?verbose=1", "GET").statusCode()).isEqualTo(200);
    assertThat(get("/webhooks", "GET").statusCode()).isEqualTo(404);
    assertThat(get("/metrics", "POST").statusCode()).isEqualTo(405);
  }

  @Test
  void servesPrometheusText() throws Exception {
    registry.counter("fanout.test.things").increment();
    start();

    HttpResponse<String> metrics = get("/metrics", "GET");

    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("content-type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(metrics.body()).contains("fanout_test_things_total 1.0");
  }

  private HttpResponse<String> get(String path, String method) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
