package dev.fanout.cli;

import dev.fanout.admin.kafka.KafkaConfigTopic;
import dev.fanout.config.FanoutConfig;
import dev.fanout.signing.SecretCipher;
import dev.fanout.subscription.SubscriptionCodec;
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

  /**
   * Writes one record as it is. Only {@code fanout demo} still uses this; commands use the service.
   */
  static void write(FanoutConfig config, String id, byte[] valueOrNull) {
    try (KafkaConfigTopic topic =
        new KafkaConfigTopic(config, new SubscriptionCodec(SecretCipher.none(), false))) {
      topic.write(id, valueOrNull);
    }
  }
}
