package dev.fanout.cli;

import dev.fanout.admin.SecretReencryption;
import dev.fanout.admin.Webhooks;
import dev.fanout.subscription.SubscriptionCodec;
import dev.fanout.text.SafeText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fanout secrets reencrypt}: after a new key is put first in {@code FANOUT_SECRET_KEYS},
 * moves every stored secret under it ({@link SecretReencryption}), so the old key can be removed.
 */
@Command(
    name = "reencrypt",
    description = {
      "Re-encrypt every webhook secret under the first key of FANOUT_SECRET_KEYS.",
      "Secrets are read with any configured key; plain ones are encrypted. Webhooks whose",
      "secret cannot be read are reported and left as they are (exit code 1)."
    })
final class SecretsReencryptCommand extends BaseCommand {
  @Option(names = "--dry-run", description = "Only list the webhooks that would be written.")
  boolean dryRun;

  @Override
  public Integer call() throws Exception {
    // Read plain secrets and secrets bound the old way even where the policy refuses them:
    // rewriting them is what this command is for (the worker's message for either says to run
    // it), and what it writes is encrypted and bound either way. The last rule stays as
    // configured: with security.require-authenticated-config=true an unsigned record is not read,
    // so not signed.
    var security = SubscriptionCodec.Policy.of(config().security());
    SubscriptionCodec codec =
        new SubscriptionCodec(
            cipher(),
            recordKeys(),
            new SubscriptionCodec.Policy(true, true, security.requireAuthenticatedConfig()));
    SecretReencryption.Report report;
    try (Webhooks webhooks = webhooks(codec)) {
      report = new SecretReencryption(webhooks).run(dryRun);
    }
    String verb = dryRun ? "would re-encrypt " : "re-encrypted ";
    report.changed().forEach(id -> out().println(verb + SafeText.escape(id)));
    report
        .unreadable()
        .forEach(
            (id, problem) ->
                err()
                    .println(
                        "fanout: left "
                            + SafeText.escape(id)
                            + " as it is: its secret cannot be read ("
                            + SafeText.escape(problem)
                            + ")"));
    report.conflicts().forEach(line -> err().println("fanout: " + SafeText.escape(line)));
    out()
        .println(
            report.changed().size() + " webhook(s) " + (dryRun ? "to re-encrypt" : "re-encrypted"));
    return report.clean() ? ExitCodes.OK : ExitCodes.FAILURE;
  }
}
