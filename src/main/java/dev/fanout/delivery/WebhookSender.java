package dev.fanout.delivery;

import java.util.concurrent.CompletableFuture;

/**
 * Sends one request. The future always completes normally: failures are {@link
 * HttpResult.Failure}s, never exceptions, so callers handle one type of outcome.
 */
public interface WebhookSender extends AutoCloseable {
  CompletableFuture<HttpResult> send(WebhookRequest request);

  @Override
  void close();
}
