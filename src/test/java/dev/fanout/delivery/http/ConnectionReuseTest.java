package dev.fanout.delivery.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.config.ConfigLoader;
import dev.fanout.config.FanoutConfig;
import dev.fanout.delivery.HttpResult;
import dev.fanout.delivery.WebhookRequest;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.core5.pool.PoolStats;
import org.junit.jupiter.api.Test;

/** Requests to one fast host ride on the connections already open to it. */
class ConnectionReuseTest {
  private static FanoutConfig.Delivery delivery() {
    Map<String, String> values = new HashMap<>(ConfigLoader.defaults());
    values.put("delivery.allowed-networks", "127.0.0.0/8");
    values.put("delivery.max-in-flight", "1000");
    values.put("delivery.max-in-flight-per-endpoint", "1000");
    return FanoutConfig.from(values).delivery();
  }

  private static ApacheHttpWebhookSender sender(Duration idleConnectionLifetime) {
    return new ApacheHttpWebhookSender(
        delivery(), SystemDefaultDnsResolver.INSTANCE, idleConnectionLifetime);
  }

  private static WebhookRequest post(URI url) {
    return new WebhookRequest(url, List.of(), "{}".getBytes());
  }

  @Test
  void theConnectionIsBackInThePoolWhenTheResultArrives() throws Exception {
    // The delay makes sure the check below is attached before the response comes, so it runs on
    // the thread that completes the result, at the moment it does.
    try (NettyReceiver receiver = new NettyReceiver(1, 0, 50);
        ApacheHttpWebhookSender sender = new ApacheHttpWebhookSender(delivery())) {
      PoolStats atResult =
          sender.send(post(receiver.url("/a"))).thenApply(result -> sender.connections()).get();

      assertThat(atResult.getLeased()).isZero();
      assertThat(atResult.getAvailable()).isEqualTo(1);
    }
  }

  @Test
  void requestsSentFromEachOthersResultsShareOneConnection() throws Exception {
    try (NettyReceiver receiver = new NettyReceiver();
        ApacheHttpWebhookSender sender = new ApacheHttpWebhookSender(delivery())) {
      URI url = receiver.url("/a");
      CompletableFuture<HttpResult> chain = sender.send(post(url));
      for (int i = 0; i < 200; i++) {
        chain = chain.thenCompose(result -> sender.send(post(url)));
      }

      assertThat(chain.get()).isInstanceOf(HttpResult.Response.class);
      assertThat(receiver.requests()).isEqualTo(201);
      assertThat(receiver.connectionsOpened()).isEqualTo(1);
    }
  }

  @Test
  void closesTheConnectionsOfABurstOnceTheyIdle() throws Exception {
    try (NettyReceiver receiver = new NettyReceiver(1, 0, 100);
        ApacheHttpWebhookSender sender = sender(Duration.ofMillis(100))) {
      List<CompletableFuture<HttpResult>> burst = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        burst.add(sender.send(post(receiver.url("/a"))));
      }
      CompletableFuture.allOf(burst.toArray(CompletableFuture[]::new)).get();
      assertThat(receiver.connectionsOpened()).isEqualTo(10);

      await().atMost(Duration.ofSeconds(30)).until(() -> receiver.connectionsOpen() == 0);
    }
  }
}
