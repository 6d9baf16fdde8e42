package dev.fanout.cli;

import dev.fanout.admin.Webhooks;
import dev.fanout.text.SafeText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "disable",
    description = "Disable a webhook: the worker stops delivering to it; nothing is deleted.")
final class WebhooksDisableCommand extends BaseCommand {
  @Parameters(paramLabel = "ID", description = "Webhook id (wh_...).")
  String id;

  @Override
  public Integer call() throws Exception {
    try (Webhooks webhooks = webhooks()) {
      webhooks.setEnabled(id, false);
    }
    out().println("disabled " + SafeText.escape(id));
    return ExitCodes.OK;
  }
}
