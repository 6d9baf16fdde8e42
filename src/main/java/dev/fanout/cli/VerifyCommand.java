package dev.fanout.cli;

import dev.fanout.config.Durations;
import dev.fanout.signing.SignatureVerifier;
import dev.fanout.signing.SigningSecret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

@Command(
    name = "verify",
    description = {
      "Receiver side: check a request body against its signature headers.",
      "Exit 0 when every given signature verifies, 1 when one does not."
    })
final class VerifyCommand extends BaseCommand {
  @Option(names = "--body", required = true, paramLabel = "FILE", description = "The raw body.")
  Path body;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Secret secret;

  static final class Secret {
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
  }

  @Option(names = "--signature", description = "The x-y42-signature header (sha256=...).")
  String y42Signature;

  @Option(names = "--webhook-id", description = "The webhook-id header.")
  String webhookId;

  @Option(names = "--timestamp", description = "The webhook-timestamp header.")
  String timestamp;

  @Option(names = "--webhook-signature", description = "The webhook-signature header (v1,...).")
  String webhookSignature;

  @Option(
      names = "--tolerance",
      defaultValue = "5m",
      description = "Largest accepted age of webhook-timestamp (default ${DEFAULT-VALUE}).")
  String tolerance;

  @Override
  public Integer call() throws Exception {
    if (y42Signature == null && webhookSignature == null) {
      throw new ParameterException(
          spec.commandLine(), "give --signature, --webhook-signature, or both");
    }
    SigningSecret key = new SigningSecret(readSecret());
    byte[] bytes = Files.readAllBytes(body);
    boolean allValid = true;
    if (y42Signature != null) {
      boolean valid = SignatureVerifier.verifyY42(key, bytes, y42Signature);
      out().println("x-y42-signature: " + (valid ? "valid" : "INVALID"));
      allValid &= valid;
    }
    if (webhookSignature != null) {
      boolean valid =
          SignatureVerifier.verifyStandard(
              key,
              webhookId,
              timestamp,
              bytes,
              webhookSignature,
              Instant.now(),
              Durations.parse(tolerance));
      out().println("webhook-signature: " + (valid ? "valid" : "INVALID (or timestamp too old)"));
      allValid &= valid;
    }
    return allValid ? ExitCodes.OK : ExitCodes.FAILURE;
  }

  private String readSecret() throws Exception {
    return SecretInput.read(secret.file, secret.env, false, environment);
  }
}
