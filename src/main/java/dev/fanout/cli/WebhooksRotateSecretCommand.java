package dev.fanout.cli;

import dev.fanout.admin.SecretRotation;
import dev.fanout.admin.Webhooks;
import dev.fanout.config.Durations;
import dev.fanout.signing.SigningSecret;
import dev.fanout.subscription.Subscription;
import dev.fanout.text.SafeText;
import java.time.Duration;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code fanout webhooks rotate-secret ID}: a new secret, the current one kept for a grace period
 * ({@link SecretRotation}). Without a source the secret is generated, and printed once.
 */
@Command(
    name = "rotate-secret",
    description = {
      "Give a webhook a new secret and keep the current one valid for a grace period.",
      "While the grace lasts, webhook-signature carries a v1 entry for each secret;",
      "x-y42-signature uses the new one at once. Without a source, a secret is generated."
    })
final class WebhooksRotateSecretCommand extends BaseCommand {
  @Parameters(paramLabel = "ID", description = "Webhook id (wh_...).")
  String id;

  @Option(
      names = "--grace",
      paramLabel = "DURATION",
      defaultValue = "24h",
      description =
          "How long the current secret stays valid: 0s to 30d (default: ${DEFAULT-VALUE}).")
  String grace;

  @ArgGroup(exclusive = true)
  SecretSourceOptions secretSource;

  @Override
  public Integer call() throws Exception {
    Duration period;
    try {
      period = Durations.parse(grace);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--grace: " + e.getMessage());
    }
    if (period.compareTo(SecretRotation.MAX_GRACE) > 0) {
      throw new ParameterException(
          spec.commandLine(), "--grace: at most " + SecretRotation.MAX_GRACE.toDays() + "d");
    }
    SigningSecret next = SecretSourceOptions.read(secretSource, true, environment);
    Subscription written;
    try (Webhooks webhooks = webhooks()) {
      written = webhooks.rotateSecret(id, next, period);
    }
    out().println("rotated the secret of " + SafeText.escape(id));
    out()
        .println(
            written.previousSecret() == null
                ? "previous secret: none kept"
                : "previous secret: accepted until " + written.previousSecretExpiresAt());
    if (SecretSourceOptions.generates(secretSource, true)) {
      out().println("secret: " + next.reveal());
    }
    return ExitCodes.OK;
  }
}
