package dev.fanout.delivery.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.config.ConfigLoader;
import dev.fanout.config.FanoutConfig;
import dev.fanout.delivery.HttpResult;
import dev.fanout.delivery.WebhookRequest;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sender keeps its contract: every call ends in a result, never a thrown exception. */
class ApacheHttpWebhookSenderTest {
  private static FanoutConfig.Delivery delivery() {
    Map<String, String> values = new HashMap<>(ConfigLoader.defaults());
    values.put("delivery.allowed-networks", "127.0.0.0/8");
    return FanoutConfig.from(values).delivery();
  }

  @Test
  void aClosedClientAnswersWithAFailureInsteadOfThrowing() throws Exception {
    ApacheHttpWebhookSender sender = new ApacheHttpWebhookSender(delivery());
    sender.close();

    HttpResult result =
        sender
            .send(new WebhookRequest(URI.create("http://127.0.0.1:9/x"), List.of(), new byte[0]))
            .get();

    assertThat(result).isInstanceOf(HttpResult.Failure.class);
  }

  @Test
  void aUrlWithoutAHostIsAConnectFailure() throws Exception {
    try (ApacheHttpWebhookSender sender = new ApacheHttpWebhookSender(delivery())) {
      HttpResult result =
          sender
              .send(new WebhookRequest(URI.create("http:///no-host"), List.of(), new byte[0]))
              .get();
      assertThat(result).isInstanceOf(HttpResult.Failure.class);
      assertThat(((HttpResult.Failure) result).kind()).isEqualTo(HttpResult.Kind.CONNECT);
    }
  }

  @Test
  void refusesAPrivateTargetWithoutConnecting() throws Exception {
    Map<String, String> values = new HashMap<>(ConfigLoader.defaults());
    try (ApacheHttpWebhookSender sender =
        new ApacheHttpWebhookSender(FanoutConfig.from(values).delivery())) {
      HttpResult result =
          sender
              .send(new WebhookRequest(URI.create("http://127.0.0.1:9/x"), List.of(), new byte[0]))
              .get();
      assertThat(result)
          .isEqualTo(
              new HttpResult.Failure(
                  HttpResult.Kind.BLOCKED_TARGET, ((HttpResult.Failure) result).message()));
      assertThat(((HttpResult.Failure) result).kind()).isEqualTo(HttpResult.Kind.BLOCKED_TARGET);
    }
  }

  @Test
  void aSlowNameLookupNeverHoldsUpTheCaller() throws Exception {
    java.util.concurrent.CountDownLatch answer = new java.util.concurrent.CountDownLatch(1);
    org.apache.hc.client5.http.DnsResolver silent =
        new org.apache.hc.client5.http.DnsResolver() {
          @Override
          public java.net.InetAddress[] resolve(String host) throws java.net.UnknownHostException {
            try {
              answer.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            throw new java.net.UnknownHostException(host);
          }

          @Override
          public String resolveCanonicalHostname(String host) {
            return host;
          }
        };
    try (ApacheHttpWebhookSender sender =
        new ApacheHttpWebhookSender(
            delivery(), silent, ApacheHttpWebhookSender.IDLE_CONNECTION_LIFETIME)) {
      // If send() looked the name up in the caller's thread, this call would never return.
      var result =
          org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
              java.time.Duration.ofSeconds(30),
              () ->
                  sender.send(
                      new WebhookRequest(
                          URI.create("http://hooks.invalid/x"), List.of(), new byte[0])));
      assertThat(result).isNotDone();
      answer.countDown();
      assertThat(((HttpResult.Failure) result.get()).kind()).isEqualTo(HttpResult.Kind.CONNECT);
    }
  }

  /** Silent for hooks.invalid until {@code answer} opens; IP literals are parsed as usual. */
  private static org.apache.hc.client5.http.DnsResolver silentFor(
      java.util.concurrent.CountDownLatch answer) {
    return new org.apache.hc.client5.http.DnsResolver() {
      @Override
      public java.net.InetAddress[] resolve(String host) throws java.net.UnknownHostException {
        if (host.equals("hooks.invalid")) {
          try {
            answer.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          throw new java.net.UnknownHostException(host);
        }
        return java.net.InetAddress.getAllByName(host);
      }

      @Override
      public String resolveCanonicalHostname(String host) {
        return host;
      }
    };
  }

  private static WebhookRequest post(URI url) {
    return new WebhookRequest(url, List.of(), "{}".getBytes());
  }

  @Test
  void aSlowNameLookupHoldsUpOnlyRequestsToThatHost() throws Exception {
    java.util.concurrent.CountDownLatch answer = new java.util.concurrent.CountDownLatch(1);
    try (NettyReceiver receiver = new NettyReceiver();
        ApacheHttpWebhookSender sender =
            new ApacheHttpWebhookSender(
                delivery(), silentFor(answer), ApacheHttpWebhookSender.IDLE_CONNECTION_LIFETIME)) {
      List<java.util.concurrent.CompletableFuture<HttpResult>> waiting =
          new java.util.ArrayList<>();
      for (int i = 0; i < 20; i++) {
        waiting.add(sender.send(post(URI.create("http://hooks.invalid/x"))));
      }

      HttpResult elsewhere =
          sender.send(post(receiver.url("/a"))).get(30, java.util.concurrent.TimeUnit.SECONDS);

      assertThat(elsewhere).isEqualTo(new HttpResult.Response(200, null));
      assertThat(waiting).noneMatch(java.util.concurrent.CompletableFuture::isDone);
      answer.countDown();
      for (var result : waiting) {
        assertThat(((HttpResult.Failure) result.get()).kind()).isEqualTo(HttpResult.Kind.CONNECT);
      }
    }
  }

  @Test
  void manySilentNamesOfOneDomainLeaveLookupThreadsForOtherDomains() throws Exception {
    java.util.concurrent.CountDownLatch silence = new java.util.concurrent.CountDownLatch(1);
    // Names under slow.invalid never answer; fast.invalid is the receiver on 127.0.0.1. No query
    // leaves the machine.
    org.apache.hc.client5.http.DnsResolver nameService =
        new org.apache.hc.client5.http.DnsResolver() {
          @Override
          public java.net.InetAddress[] resolve(String host) throws java.net.UnknownHostException {
            if (host.endsWith(".slow.invalid")) {
              try {
                silence.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              throw new java.net.UnknownHostException(host);
            }
            if (host.equals("hooks.fast.invalid")) {
              return new java.net.InetAddress[] {java.net.InetAddress.getByName("127.0.0.1")};
            }
            throw new java.net.UnknownHostException(host);
          }

          @Override
          public String resolveCanonicalHostname(String host) {
            return host;
          }
        };
    Map<String, String> values = new HashMap<>(ConfigLoader.defaults());
    values.put("delivery.allowed-networks", "127.0.0.0/8");
    values.put("delivery.dns-lookup-threads", "2");
    values.put("delivery.dns-lookups-per-domain", "1");
    values.put("delivery.dns-lookup-timeout", "1h");
    try (NettyReceiver receiver = new NettyReceiver();
        ApacheHttpWebhookSender sender =
            new ApacheHttpWebhookSender(
                FanoutConfig.from(values).delivery(),
                nameService,
                ApacheHttpWebhookSender.IDLE_CONNECTION_LIFETIME)) {
      var first = sender.send(post(URI.create("http://a.slow.invalid/x")));
      List<HttpResult> refused = new java.util.ArrayList<>();
      for (String label : List.of("b", "c", "d")) {
        refused.add(
            sender
                .send(post(URI.create("http://" + label + ".slow.invalid/x")))
                .get(30, java.util.concurrent.TimeUnit.SECONDS));
      }

      URI fast = URI.create("http://hooks.fast.invalid:" + receiver.url("/a").getPort() + "/a");
      HttpResult elsewhere = sender.send(post(fast)).get(30, java.util.concurrent.TimeUnit.SECONDS);

      assertThat(elsewhere).isEqualTo(new HttpResult.Response(200, null));
      assertThat(refused)
          .containsOnly(
              new HttpResult.Failure(
                  HttpResult.Kind.CONNECT, "DNS lookups for slow.invalid are saturated"));
      assertThat(first).isNotDone();
    } finally {
      silence.countDown();
    }
  }

  @Test
  void aRequestSentFromAResultNeverHoldsUpTheIoThreadThatCompletedIt() throws Exception {
    java.util.concurrent.CountDownLatch answer = new java.util.concurrent.CountDownLatch(1);
    // The delay makes sure the next stage is attached before the response, so the I/O thread that
    // completes the result runs it.
    try (NettyReceiver receiver = new NettyReceiver(1, 0, 50);
        ApacheHttpWebhookSender sender =
            new ApacheHttpWebhookSender(
                delivery(), silentFor(answer), ApacheHttpWebhookSender.IDLE_CONNECTION_LIFETIME)) {
      URI fast = receiver.url("/a");
      java.util.concurrent.CompletableFuture<HttpResult> toSilentHost =
          sender
              .send(post(fast))
              .thenApply(
                  result -> {
                    assertThat(Thread.currentThread().getName()).startsWith("httpclient-dispatch");
                    return sender.send(post(URI.create("http://hooks.invalid/x")));
                  })
              .get();

      // The next request to the fast host reuses its one connection, served by that same thread.
      HttpResult next = sender.send(post(fast)).get(30, java.util.concurrent.TimeUnit.SECONDS);

      assertThat(next).isEqualTo(new HttpResult.Response(200, null));
      assertThat(receiver.connectionsOpened()).isEqualTo(1);
      assertThat(toSilentHost).isNotDone();
      answer.countDown();
      assertThat(((HttpResult.Failure) toSilentHost.get()).kind())
          .isEqualTo(HttpResult.Kind.CONNECT);
    }
  }

  @Test
  void aRefusedConnectionIsAConnectFailure() throws Exception {
    try (ApacheHttpWebhookSender sender = new ApacheHttpWebhookSender(delivery())) {
      // Port 9 (discard) on loopback: nothing listens there on a test machine.
      HttpResult result =
          sender
              .send(new WebhookRequest(URI.create("http://127.0.0.1:9/x"), List.of(), new byte[0]))
              .get();
      assertThat(result).isInstanceOf(HttpResult.Failure.class);
      assertThat(((HttpResult.Failure) result).kind()).isEqualTo(HttpResult.Kind.CONNECT);
    }
  }
}
