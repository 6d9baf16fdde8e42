package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ContainerHealthCheckTest {
  private final AtomicInteger status = new AtomicInteger(200);
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          int answer =
              exchange.getRequestURI().getPath().equals("/health/live") ? status.get() : 404;
          exchange.sendResponseHeaders(answer, -1);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void healthyWhenLiveAnswers200OnThePortFromTheEnvironment() {
    String port = String.valueOf(server.getAddress().getPort());

    assertThat(
            ContainerHealthCheck.check(new String[0], Map.of("FANOUT_MANAGEMENT_PORT", port)::get))
        .isEqualTo(ExitCodes.OK);
  }

  @Test
  void unhealthyWhenLiveAnswers503() {
    status.set(503);
    String port = String.valueOf(server.getAddress().getPort());

    assertThat(ContainerHealthCheck.check(new String[] {port}, k -> null))
        .isEqualTo(ExitCodes.FAILURE);
  }

  @Test
  void unhealthyWhenNothingListens() {
    int port = server.getAddress().getPort();
    server.stop(0);

    assertThat(ContainerHealthCheck.check(new String[] {String.valueOf(port)}, k -> null))
        .isEqualTo(ExitCodes.FAILURE);
  }
}
