package dev.fanout.cli;

import picocli.CommandLine.Command;

/**
 * {@code fanout webhooks}: the life cycle of a webhook. Each verb is a class of its own; they share
 * the {@link dev.fanout.admin.Webhooks} service, not each other.
 */
@Command(
    name = "webhooks",
    description = "Manage webhook subscriptions (records of the compacted config topic).",
    subcommands = {
      WebhooksAddCommand.class,
      WebhooksListCommand.class,
      WebhooksGetCommand.class,
      WebhooksUpdateCommand.class,
      WebhooksEnableCommand.class,
      WebhooksDisableCommand.class,
      WebhooksRotateSecretCommand.class,
      WebhooksPingCommand.class,
      WebhooksDeleteCommand.class
    })
final class WebhooksCommand {
  private WebhooksCommand() {}
}
