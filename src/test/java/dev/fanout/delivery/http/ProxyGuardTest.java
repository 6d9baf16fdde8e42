package dev.fanout.delivery.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.config.ConfigLoader;
import dev.fanout.config.FanoutConfig;
import dev.fanout.delivery.HttpResult;
import dev.fanout.delivery.WebhookRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.DnsResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * With {@code delivery.proxy} set, the guard refuses the same targets as without one, before
 * anything reaches the proxy. Names are answered by a fixed table (no DNS query leaves the test).
 */
class ProxyGuardTest {
  private static final Map<String, String> NAMES =
      Map.of(
          "localhost", "127.0.0.1",
          "metadata.google.internal", "169.254.169.254",
          "db.cluster.local", "10.0.0.12",
          "hooks.example.com", "127.0.0.1");

  private final Proxy proxy = new Proxy();

  @AfterEach
  void stop() throws IOException {
    proxy.close();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://localhost:8080/hook",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://db.cluster.local:5432/x",
        "http://127.0.0.1:9/x",
        "http://[::1]:9/x",
        "http://169.254.169.254/latest/meta-data/"
      })
  void refusesWhatTheGuardRefusesWithoutAProxyAndSendsNothingToTheProxy(String target)
      throws Exception {
    for (String proxySetting : List.of("", proxy.address())) {
      try (ApacheHttpWebhookSender sender = sender(proxySetting, "")) {
        HttpResult result = sender.send(post(target)).get(30, TimeUnit.SECONDS);

        assertThat(result)
            .as("%s with proxy '%s'", target, proxySetting)
            .isInstanceOfSatisfying(
                HttpResult.Failure.class,
                f -> {
                  assertThat(f.kind()).isEqualTo(HttpResult.Kind.BLOCKED_TARGET);
                  assertThat(f.message()).doesNotContain("10.0.0.12");
                });
      }
    }
    assertThat(proxy.requestLines()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://0x7f000001/x", "http://017700000001/x", "http://2130706433/x"})
  void refusesNumericHostsThatAProxyWouldReadAsLoopback(String target) throws Exception {
    try (ApacheHttpWebhookSender sender = sender(proxy.address(), "")) {
      HttpResult result = sender.send(post(target)).get(30, TimeUnit.SECONDS);

      assertThat(((HttpResult.Failure) result).kind()).isEqualTo(HttpResult.Kind.BLOCKED_TARGET);
    }
    assertThat(proxy.requestLines()).isEmpty();
  }

  @Test
  void aPermittedTargetGoesThroughTheProxy() throws Exception {
    try (ApacheHttpWebhookSender sender = sender(proxy.address(), "127.0.0.0/8")) {
      HttpResult result =
          sender.send(post("http://hooks.example.com:8080/y42")).get(30, TimeUnit.SECONDS);

      assertThat(result).isEqualTo(new HttpResult.Response(200, null));
    }
    assertThat(proxy.requestLines())
        .containsExactly("POST http://hooks.example.com:8080/y42 HTTP/1.1");
  }

  @Test
  void aTargetThatCannotBeResolvedNeverReachesTheProxy() throws Exception {
    try (ApacheHttpWebhookSender sender = sender(proxy.address(), "127.0.0.0/8")) {
      HttpResult result = sender.send(post("http://nowhere.invalid/x")).get(30, TimeUnit.SECONDS);

      assertThat(((HttpResult.Failure) result).kind()).isEqualTo(HttpResult.Kind.CONNECT);
    }
    assertThat(proxy.requestLines()).isEmpty();
  }

  private static ApacheHttpWebhookSender sender(String proxy, String allowedNetworks) {
    Map<String, String> values = new HashMap<>(ConfigLoader.defaults());
    values.put("delivery.proxy", proxy);
    values.put("delivery.allowed-networks", allowedNetworks);
    return new ApacheHttpWebhookSender(
        FanoutConfig.from(values).delivery(), new FixedNames(), Duration.ofSeconds(10));
  }

  private static WebhookRequest post(String url) {
    return new WebhookRequest(URI.create(url), List.of(), "{}".getBytes(StandardCharsets.UTF_8));
  }

  /** Answers from {@link #NAMES}; IP literals as themselves; anything else is unknown. */
  private static final class FixedNames implements DnsResolver {
    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
      String address = NAMES.get(host);
      if (address != null) {
        return new InetAddress[] {InetAddress.getByName(address)};
      }
      if (host.matches("[0-9.]+|\\[?[0-9a-fA-F:]+]?")) {
        return new InetAddress[] {InetAddress.getByName(host)};
      }
      throw new UnknownHostException(host);
    }

    @Override
    public String resolveCanonicalHostname(String host) {
      return host;
    }
  }

  /** A forward proxy on 127.0.0.1 that records each request line and answers 200. */
  private static final class Proxy implements AutoCloseable {
    private final ServerSocket server;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread thread;

    Proxy() {
      try {
        server = new ServerSocket();
        server.bind(new InetSocketAddress("127.0.0.1", 0));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      thread = new Thread(this::serve, "test-proxy");
      thread.setDaemon(true);
      thread.start();
    }

    String address() {
      return "127.0.0.1:" + server.getLocalPort();
    }

    List<String> requestLines() {
      return List.copyOf(lines);
    }

    private void serve() {
      while (!server.isClosed()) {
        try (Socket socket = server.accept()) {
          BufferedReader in =
              new BufferedReader(
                  new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
          lines.add(in.readLine());
          for (String line = in.readLine(); line != null && !line.isEmpty(); ) {
            line = in.readLine();
          }
          OutputStream out = socket.getOutputStream();
          out.write(
              "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
        } catch (IOException closed) {
          return;
        }
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
