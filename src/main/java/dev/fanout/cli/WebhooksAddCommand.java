package dev.fanout.cli;

import dev.fanout.admin.WebhookIds;
import dev.fanout.admin.Webhooks;
import dev.fanout.signing.SigningSecret;
import dev.fanout.subscription.Subscription;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "add",
    description = {
      "Register a webhook and print its id.",
      "The secret never comes from a plain flag value (shell history, process lists):",
      "give --secret-file, --secret-env, --secret-stdin or --generate-secret, or none for unsigned."
    })
final class WebhooksAddCommand extends BaseCommand {
  @Option(names = "--space", required = true, description = "Space id the webhook belongs to.")
  String space;

  @Option(names = "--url", required = true, description = "http(s) URL to POST events to.")
  String url;

  @Option(
      names = "--events",
      required = true,
      description = "Comma-separated types: job.failed, job.*, or * for all.")
  String events;

  @Option(names = "--description", description = "Free text shown in listings.")
  String description;

  @Option(names = "--disabled", description = "Register it disabled.")
  boolean disabled;

  @Option(
      names = "--rate-limit",
      paramLabel = "N",
      description = "Send at most N requests per second to this webhook (throttled work waits).")
  Integer rateLimit;

  @ArgGroup(exclusive = true)
  SecretSourceOptions secretSource;

  @Override
  public Integer call() throws Exception {
    var cli = spec.commandLine();
    var target = WebhookArguments.url(cli, url);
    var patterns = WebhookArguments.events(cli, events);
    if (rateLimit != null) {
      WebhookArguments.rateLimit(cli, rateLimit);
    }
    if (space.isBlank()) {
      throw new picocli.CommandLine.ParameterException(cli, "--space: give a space id");
    }
    SigningSecret secret = SecretSourceOptions.read(secretSource, false, environment);
    Subscription webhook =
        new Subscription(
            WebhookIds.newId(),
            space,
            target,
            patterns,
            !disabled,
            secret,
            null,
            null,
            description == null ? "" : description,
            rateLimit,
            null);
    try (Webhooks webhooks = webhooks()) {
      webhooks.add(webhook);
    }
    out().println(webhook.id());
    if (SecretSourceOptions.generates(secretSource, false)) {
      out().println("secret: " + secret.reveal());
    }
    return ExitCodes.OK;
  }
}
