package dev.fanout.cli;

import dev.fanout.signing.SigningSecret;
import dev.fanout.subscription.EventPattern;
import dev.fanout.subscription.SubscriptionCodec;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

@Command(
    name = "add",
    description = {
      "Register a webhook and print its id.",
      "The secret never comes from a plain flag value (shell history, process lists):",
      "give --secret-file, --secret-env, --secret-stdin or --generate-secret, or none for unsigned."
    })
final class WebhooksAddCommand extends BaseCommand {
  private static final SecureRandom RANDOM = new SecureRandom();

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
  SecretSource secretSource;

  static final class SecretSource {
    @Option(
        names = "--secret-file",
        paramLabel = "FILE",
        description = "Read the secret from FILE.")
    Path file;

    @Option(
        names = "--secret-env",
        paramLabel = "VAR",
        description = "Read the secret from env VAR.")
    String env;

    @Option(names = "--secret-stdin", description = "Read the secret from standard input.")
    boolean stdin;

    @Option(
        names = "--generate-secret",
        description = "Generate a Standard Webhooks secret (whsec_...) and print it once.")
    boolean generate;
  }

  @Override
  public Integer call() throws Exception {
    WebhooksCommand.checkUrl(spec.commandLine(), url);
    var patterns = WebhooksCommand.patterns(spec.commandLine(), events);
    if (patterns.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "--events: give at least one event type");
    }
    if (rateLimit != null && rateLimit < 1) {
      throw new ParameterException(spec.commandLine(), "--rate-limit: give 1 or more");
    }
    SigningSecret secret = readSecret();
    String id = newId();
    SubscriptionCodec codec = codec();
    byte[] value =
        codec.encode(
            id,
            space,
            URI.create(url),
            patterns.stream().map(EventPattern::text).toList(),
            !disabled,
            secret,
            description);
    if (rateLimit != null) {
      value = codec.withRateLimit(value, rateLimit);
    }
    WebhooksCommand.write(config(), id, value);
    out().println(id);
    if (secretSource != null && secretSource.generate) {
      out().println("secret: " + secret.reveal());
    }
    return ExitCodes.OK;
  }

  /** {@code wh_} and 22 URL-safe random characters (128 bits). */
  static String newId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return "wh_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private SigningSecret readSecret() throws Exception {
    if (secretSource == null) {
      return null;
    }
    if (secretSource.generate) {
      byte[] key = new byte[32];
      RANDOM.nextBytes(key);
      return new SigningSecret("whsec_" + Base64.getEncoder().encodeToString(key));
    }
    String text =
        SecretInput.read(secretSource.file, secretSource.env, secretSource.stdin, environment);
    return new SigningSecret(text);
  }
}
