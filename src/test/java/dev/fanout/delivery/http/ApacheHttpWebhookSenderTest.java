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
    try (ApacheHttpWebhookSender sender = new ApacheHttpWebhookSender(delivery(), silent)) {
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
