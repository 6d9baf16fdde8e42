package dev.fanout.delivery.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.fanout.config.ConfigLoader;
import dev.fanout.config.FanoutConfig;
import dev.fanout.delivery.HttpResult;
import dev.fanout.delivery.ResponseSnippet;
import dev.fanout.delivery.WebhookRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Receivers that do not end an exchange cleanly, on a raw socket: what the receiver said decides,
 * and a request that never left is not lost.
 */
class UncleanEndingsTest {
  private ServerSocket server;
  private Thread acceptor;
  private final AtomicInteger connections = new AtomicInteger();

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
      acceptor.join(5_000);
    }
  }

  @Test
  void aSuccessWhoseBodyIsCutOffIsStillASuccess() throws Exception {
    HttpResult result =
        answeredOnceWith("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n{\"ok\":", 0);

    assertThat(result).isEqualTo(new HttpResult.Response(200, null));
  }

  @Test
  void aSuccessWhoseBodyIsCutOffIsStillASuccessWithWhatCameOfTheBody() throws Exception {
    HttpResult result =
        answeredOnceWith(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                + "{\"ok\":",
            64);

    assertThat(result)
        .isEqualTo(
            new HttpResult.Response(
                200, null, new ResponseSnippet("application/json", "{\"ok\":", true)));
  }

  @Test
  void aSuccessNamingACharsetJavaDoesNotKnowIsStillASuccess() throws Exception {
    HttpResult result =
        answeredOnceWith(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=x-unheard-of\r\n"
                + "Content-Length: 2\r\nConnection: close\r\n\r\nok",
            64);

    assertThat(result)
        .isEqualTo(
            new HttpResult.Response(
                200, null, new ResponseSnippet("text/plain; charset=x-unheard-of", "ok", false)));
  }

  /**
   * The result of one request to a server that reads it, writes {@code response} and closes the
   * connection, through a sender keeping {@code snippetBytes} of the body (0: none).
   */
  private HttpResult answeredOnceWith(String response, int snippetBytes) throws Exception {
    serve(
        (in, out) -> {
          readRequest(in);
          write(out, response);
          throw new Closing();
        });
    try (ApacheHttpWebhookSender sender =
        snippetBytes == 0
            ? new ApacheHttpWebhookSender(delivery())
            : new ApacheHttpWebhookSender(delivery(), snippetBytes)) {
      return sender.send(request()).get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aRequestThatFindsItsPooledConnectionClosedIsSentOnANewOne() throws Exception {
    // The server answers as if it kept the connection open, then closes it at once, as servers
    // do with idle keep-alive connections beyond their limit.
    serve(
        (in, out) -> {
          readRequest(in);
          write(out, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
          throw new Closing();
        });

    try (ApacheHttpWebhookSender sender = new ApacheHttpWebhookSender(delivery())) {
      for (int i = 0; i < 50; i++) {
        HttpResult result = sender.send(request()).get(10, TimeUnit.SECONDS);
        assertThat(result).as("request %d", i).isEqualTo(new HttpResult.Response(200, null));
      }
    }
    assertThat(connections).hasValue(50);
  }

  @Test
  void aFreshConnectionClosedWithoutAnAnswerIsAConnectionFailure() throws Exception {
    serve(
        (in, out) -> {
          readRequest(in);
          throw new Closing();
        });

    try (ApacheHttpWebhookSender sender = new ApacheHttpWebhookSender(delivery())) {
      HttpResult result = sender.send(request()).get(10, TimeUnit.SECONDS);

      assertThat(result).isInstanceOf(HttpResult.Failure.class);
      assertThat(((HttpResult.Failure) result).kind()).isEqualTo(HttpResult.Kind.CONNECT);
    }
    assertThat(connections).as("sent once: it may have been processed").hasValue(1);
  }

  @Test
  void closingTheSenderWithARequestToABlackHoleOutEndsItQuietly() throws Exception {
    CountDownLatch requestRead = new CountDownLatch(1);
    serve(
        (in, out) -> {
          readRequest(in);
          requestRead.countDown();
          while (in.read() >= 0) {
            // never answers; holds the connection until the client lets go of it
          }
        });
    Logger client = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("org.apache.hc");
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    client.addAppender(logged);
    try {
      CompletableFuture<HttpResult> result;
      try (ApacheHttpWebhookSender sender = new ApacheHttpWebhookSender(delivery())) {
        result = sender.send(request());
        assertThat(requestRead.await(10, TimeUnit.SECONDS)).isTrue();
      }

      HttpResult ended = result.get(10, TimeUnit.SECONDS);
      assertThat(ended).isInstanceOf(HttpResult.Failure.class);
      assertThat(((HttpResult.Failure) ended).kind()).isEqualTo(HttpResult.Kind.TIMEOUT);
      assertThat(((HttpResult.Failure) ended).message()).contains("before the sender was closed");
      // The client's I/O threads end after close returns; their last word would come now.
      Thread.sleep(500);
      assertThat(logged.list)
          .as("what the HTTP client logged at close")
          .noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
    } finally {
      client.detachAppender(logged);
    }
  }

  /** Thrown by a script to close the connection. */
  private static final class Closing extends IOException {
    private static final long serialVersionUID = 1L;
  }

  private interface Script {
    void run(InputStream in, OutputStream out) throws IOException;
  }

  private void serve(Script script) throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                  connections.incrementAndGet();
                  script.run(socket.getInputStream(), socket.getOutputStream());
                } catch (IOException e) {
                  // closed by the script, or the server is stopping
                }
              }
            },
            "raw-receiver");
    acceptor.start();
  }

  /** Reads one request: the head, then as many body bytes as Content-Length says. */
  private static void readRequest(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new Closing();
      }
      head.append((char) b);
    }
    int length = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring("content-length:".length()).trim());
      }
    }
    in.readNBytes(length);
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private WebhookRequest request() {
    return new WebhookRequest(
        URI.create("http://127.0.0.1:" + server.getLocalPort() + "/hook"),
        List.of(),
        "{}".getBytes(StandardCharsets.UTF_8));
  }

  private static FanoutConfig.Delivery delivery() {
    Map<String, String> values = new HashMap<>(ConfigLoader.defaults());
    values.put("delivery.allowed-networks", "127.0.0.0/8");
    values.put("delivery.request-timeout", "5s");
    return FanoutConfig.from(values).delivery();
  }
}
