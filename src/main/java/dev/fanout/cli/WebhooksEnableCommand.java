package dev.fanout.cli;

import dev.fanout.admin.Webhooks;
import dev.fanout.text.SafeText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "enable", description = "Enable a webhook: the worker delivers to it again.")
final class WebhooksEnableCommand extends BaseCommand {
  @Parameters(paramLabel = "ID", description = "Webhook id (wh_...).")
  String id;

  @Override
  public Integer call() throws Exception {
    try (Webhooks webhooks = webhooks()) {
      webhooks.setEnabled(id, true);
    }
    out().println("enabled " + SafeText.escape(id));
    return ExitCodes.OK;
  }
}
