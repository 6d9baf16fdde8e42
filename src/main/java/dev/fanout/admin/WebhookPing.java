package dev.fanout.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fanout.delivery.DeliveryTask;
import dev.fanout.delivery.HttpResult;
import dev.fanout.delivery.WebhookRequests;
import dev.fanout.delivery.WebhookSender;
import dev.fanout.event.Event;
import dev.fanout.event.Origin;
import dev.fanout.subscription.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends one {@code webhook.ping} event to a webhook, built and signed exactly as the worker builds
 * a delivery ({@link WebhookRequests}) and sent through the worker's sender, SSRF guard included,
 * so a ping that succeeds means deliveries can. The body:
 *
 * <pre>
 * {"id": "evt_ping_...", "type": "webhook.ping", "space_id": "space_42", "time": "2026-..Z"}
 * </pre>
 *
 * A ping goes to a disabled webhook too: checking an endpoint before enabling it is what it is for.
 */
public final class WebhookPing {
  public static final String TYPE = "webhook.ping";
  private static final ObjectMapper JSON = new ObjectMapper();
  // The sender enforces the request timeout itself; this only bounds a sender that would not.
  private static final Duration MARGIN = Duration.ofSeconds(5);

  /**
   * @param latency from handing the request to the sender to its result
   */
  public record Result(String eventId, HttpResult result, Duration latency) {
    public boolean delivered() {
      return result instanceof HttpResult.Response r && r.status() >= 200 && r.status() < 300;
    }
  }

  private final WebhookSender sender;
  private final Clock clock;
  private final Duration timeout;

  /**
   * @param timeout the request timeout the sender was configured with
   */
  public WebhookPing(WebhookSender sender, Clock clock, Duration timeout) {
    this.sender = sender;
    this.clock = clock;
    this.timeout = timeout;
  }

  /**
   * @throws AdminFailure when the webhook's secret cannot be read (a ping would go out unsigned)
   */
  public Result ping(Subscription webhook) throws InterruptedException {
    Instant now = clock.instant();
    String problem = webhook.secretProblem(now);
    if (problem != null) {
      throw AdminFailure.unreadableSecret(webhook.id(), problem, "so nothing was sent");
    }
    String eventId = "evt_ping_" + UUID.randomUUID().toString().replace("-", "");
    ObjectNode body = JSON.createObjectNode();
    body.put("id", eventId);
    body.put("type", TYPE);
    body.put("space_id", webhook.spaceId());
    body.put("time", now.toString());
    Event event =
        new Event(
            eventId,
            TYPE,
            webhook.spaceId(),
            now,
            body.toString().getBytes(StandardCharsets.UTF_8));
    Origin origin = new Origin("(ping)", -1, -1, null, now);
    long started = System.nanoTime();
    HttpResult result;
    var sent = sender.send(WebhookRequests.build(DeliveryTask.first(event, webhook, origin), now));
    try {
      result = sent.get(timeout.plus(MARGIN).toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      sent.cancel(true);
      result =
          new HttpResult.Failure(
              HttpResult.Kind.TIMEOUT,
              "no result within " + timeout.plus(MARGIN).toSeconds() + " s");
    } catch (ExecutionException e) {
      // The sender answers failures with a result; this is a fault of its own. Its type only: a
      // message could hold anything.
      result =
          new HttpResult.Failure(
              HttpResult.Kind.CONNECT,
              "the request failed: " + e.getCause().getClass().getSimpleName());
    }
    return new Result(eventId, result, Duration.ofNanos(System.nanoTime() - started));
  }
}
