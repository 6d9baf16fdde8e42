package dev.fanout.cli;

import dev.fanout.admin.Webhooks;
import dev.fanout.subscription.EventPattern;
import dev.fanout.subscription.Subscription;
import dev.fanout.text.SafeText;
import java.net.URI;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code fanout webhooks update ID}: changes the fields given and keeps the others, validated as
 * the worker validates, written as the next version of the one read (compare-and-set).
 */
@Command(
    name = "update",
    description = {
      "Change a webhook's URL, events, description or rate limit; other fields are kept.",
      "Fails, changing nothing, if another writer changed the webhook meanwhile."
    })
final class WebhooksUpdateCommand extends BaseCommand {
  @Parameters(paramLabel = "ID", description = "Webhook id (wh_...).")
  String id;

  @Option(names = "--url", description = "New http(s) URL to POST events to.")
  String url;

  @Option(names = "--events", description = "New comma-separated types: job.failed, job.*, or *.")
  String events;

  @Option(names = "--description", description = "New free text; an empty value removes it.")
  String description;

  @ArgGroup(exclusive = true)
  RateLimit rateLimit;

  static final class RateLimit {
    @Option(
        names = "--rate-limit",
        paramLabel = "N",
        description = "Send at most N requests per second to this webhook.")
    Integer perSecond;

    @Option(names = "--no-rate-limit", description = "Remove the webhook's rate limit.")
    boolean none;
  }

  @Override
  public Integer call() throws Exception {
    var cli = spec.commandLine();
    if (url == null && events == null && description == null && rateLimit == null) {
      throw new ParameterException(
          cli,
          "give at least one of --url, --events, --description, --rate-limit, --no-rate-limit");
    }
    URI newUrl = url == null ? null : WebhookArguments.url(cli, url);
    List<EventPattern> newEvents = events == null ? null : WebhookArguments.events(cli, events);
    if (rateLimit != null && rateLimit.perSecond != null) {
      WebhookArguments.rateLimit(cli, rateLimit.perSecond);
    }
    try (Webhooks webhooks = webhooks()) {
      webhooks.update(id, current -> changed(current, newUrl, newEvents));
    }
    out().println("updated " + SafeText.escape(id));
    return ExitCodes.OK;
  }

  private Subscription changed(Subscription s, URI newUrl, List<EventPattern> newEvents) {
    Integer limit = s.rateLimitPerSecond();
    if (rateLimit != null) {
      limit = rateLimit.none ? null : rateLimit.perSecond;
    }
    return new Subscription(
        s.id(),
        s.spaceId(),
        newUrl == null ? s.url() : newUrl,
        newEvents == null ? s.events() : newEvents,
        s.enabled(),
        s.secret(),
        s.previousSecret(),
        s.previousSecretExpiresAt(),
        description == null ? s.description() : description,
        limit,
        s.source());
  }
}
