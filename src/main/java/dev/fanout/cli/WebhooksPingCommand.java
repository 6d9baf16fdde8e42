package dev.fanout.cli;

import dev.fanout.admin.WebhookPing;
import dev.fanout.admin.Webhooks;
import dev.fanout.delivery.HttpResult;
import dev.fanout.delivery.http.ApacheHttpWebhookSender;
import dev.fanout.subscription.Subscription;
import dev.fanout.text.SafeText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code fanout webhooks ping ID}: one signed {@code webhook.ping} event, sent as the worker sends
 * (same signing, same sender, same SSRF guard from the same configuration keys). Exits 1 unless the
 * endpoint answered 2xx.
 */
@Command(
    name = "ping",
    description = {
      "Send a signed webhook.ping event to a webhook and print the answer and the latency.",
      "It is sent as the worker sends, through the same SSRF guard (delivery.allowed-networks);",
      "the exit code is 1 unless the endpoint answers 2xx."
    })
final class WebhooksPingCommand extends BaseCommand {
  @Parameters(paramLabel = "ID", description = "Webhook id (wh_...).")
  String id;

  @Override
  public Integer call() throws Exception {
    Subscription webhook;
    try (Webhooks webhooks = webhooks()) {
      webhook = webhooks.get(id);
    }
    WebhookPing.Result result;
    try (ApacheHttpWebhookSender sender = new ApacheHttpWebhookSender(config().delivery())) {
      result = new WebhookPing(sender, clock, config().delivery().requestTimeout()).ping(webhook);
    }
    long millis = result.latency().toMillis();
    String answer;
    if (result.result() instanceof HttpResult.Response r) {
      answer = "HTTP " + r.status();
    } else {
      HttpResult.Failure f = (HttpResult.Failure) result.result();
      answer = f.kind().name().toLowerCase(java.util.Locale.ROOT) + " (" + f.message() + ")";
    }
    out()
        .println(
            SafeText.escape(answer) + " in " + millis + " ms (event " + result.eventId() + ")");
    return result.delivered() ? ExitCodes.OK : ExitCodes.FAILURE;
  }
}
