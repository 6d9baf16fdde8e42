package dev.fanout.delivery;

import dev.fanout.event.TraceContext;
import dev.fanout.signing.Signer;
import dev.fanout.signing.SigningSecret;
import dev.fanout.subscription.Subscription;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the HTTP request of one attempt: the event bytes as the body, untouched, and the headers
 * of the contract. Signatures are computed per attempt because {@code webhook-timestamp} is the
 * attempt's time. A valid W3C {@code traceparent} (and its {@code tracestate}) on the event record
 * is sent on unchanged ({@link TraceContext}); an invalid one is not sent.
 */
public final class WebhookRequests {
  public static final String USER_AGENT = "Fanout/" + Version.current();
  public static final String Y42_SIGNATURE = "x-y42-signature";
  public static final String STANDARD_SIGNATURE = "webhook-signature";

  private WebhookRequests() {}

  public static WebhookRequest build(DeliveryTask task, Instant now) {
    Subscription subscription = task.subscription();
    byte[] body = task.event().body();
    long timestamp = now.getEpochSecond();
    List<WebhookRequest.Header> headers = new ArrayList<>(12);
    headers.add(new WebhookRequest.Header("content-type", "application/json"));
    headers.add(new WebhookRequest.Header("user-agent", USER_AGENT));
    headers.add(new WebhookRequest.Header("x-y42-event", task.event().type()));
    headers.add(new WebhookRequest.Header("x-y42-webhook-id", subscription.id()));
    headers.add(new WebhookRequest.Header("x-y42-delivery", task.deliveryId()));
    headers.add(new WebhookRequest.Header("webhook-id", task.deliveryId()));
    headers.add(new WebhookRequest.Header("webhook-timestamp", Long.toString(timestamp)));
    TraceContext trace = TraceContext.from(task.origin().headers());
    if (trace != null) {
      headers.add(new WebhookRequest.Header(TraceContext.TRACEPARENT, trace.traceparent()));
      if (trace.tracestate() != null) {
        headers.add(new WebhookRequest.Header(TraceContext.TRACESTATE, trace.tracestate()));
      }
    }
    SigningSecret secret = subscription.secret();
    if (secret != null) {
      headers.add(new WebhookRequest.Header(Y42_SIGNATURE, Signer.y42Signature(secret, body)));
      headers.add(
          new WebhookRequest.Header(
              STANDARD_SIGNATURE,
              Signer.standardSignatures(
                  secret, subscription.previousSecretAt(now), task.deliveryId(), timestamp, body)));
    }
    return new WebhookRequest(subscription.url(), headers, body);
  }
}
