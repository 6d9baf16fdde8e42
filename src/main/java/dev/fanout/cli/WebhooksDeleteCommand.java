package dev.fanout.cli;

import dev.fanout.admin.Webhooks;
import dev.fanout.text.SafeText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "delete", description = "Delete a subscription (writes a tombstone).")
final class WebhooksDeleteCommand extends BaseCommand {
  @Parameters(paramLabel = "ID", description = "Webhook id (wh_...).")
  String id;

  @Override
  public Integer call() throws Exception {
    try (Webhooks webhooks = webhooks()) {
      webhooks.delete(id);
    }
    out().println("deleted " + SafeText.escape(id));
    return ExitCodes.OK;
  }
}
