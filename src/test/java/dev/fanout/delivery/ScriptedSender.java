package dev.fanout.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Answers each request with the next scripted result (the last one repeats). With {@link
 * #holdResponses}, every answer is a pending future the test completes, so a request stays in
 * flight for as long as the test wants.
 */
final class ScriptedSender implements WebhookSender {
  private final List<HttpResult> script = new ArrayList<>();
  final List<WebhookRequest> requests = new CopyOnWriteArrayList<>();
  final BlockingQueue<CompletableFuture<HttpResult>> pending = new LinkedBlockingQueue<>();
  private volatile boolean hold;

  synchronized void script(HttpResult... results) {
    script.addAll(List.of(results));
  }

  void holdResponses() {
    hold = true;
  }

  @Override
  public synchronized CompletableFuture<HttpResult> send(WebhookRequest request) {
    int n = requests.size();
    requests.add(request);
    if (hold) {
      CompletableFuture<HttpResult> answer = new CompletableFuture<>();
      pending.add(answer);
      return answer;
    }
    if (script.isEmpty()) {
      throw new IllegalStateException("no scripted answer for request " + (n + 1));
    }
    return CompletableFuture.completedFuture(script.get(Math.min(n, script.size() - 1)));
  }

  @Override
  public void close() {}
}
