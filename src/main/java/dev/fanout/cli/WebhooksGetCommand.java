package dev.fanout.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fanout.admin.Webhooks;
import dev.fanout.subscription.EventPattern;
import dev.fanout.subscription.Subscription;
import dev.fanout.subscription.SubscriptionCodec;
import dev.fanout.text.SafeText;
import java.io.PrintWriter;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code fanout webhooks get ID}: every field of one webhook and its record version. Of its secrets
 * only whether they are set, since when, and until when a previous one is still accepted: never the
 * secret itself.
 */
@Command(
    name = "get",
    description = "Show one webhook, its record version and its secret's dates (never the secret).")
final class WebhooksGetCommand extends BaseCommand {
  @Parameters(paramLabel = "ID", description = "Webhook id (wh_...).")
  String id;

  @Mixin OutputOption output;

  @Override
  public Integer call() throws Exception {
    Subscription s;
    try (Webhooks webhooks = webhooks()) {
      s = webhooks.get(id);
    }
    long version = SubscriptionCodec.version(s.source());
    Instant secretSince = SubscriptionCodec.secretCreatedAt(s.source());
    if (output.json()) {
      ObjectNode node = SubscriptionCodec.describe(s);
      node.put("version", version);
      node.put("secret_created_at", secretSince == null ? null : secretSince.toString());
      node.put("secret_problem", s.secretProblem(clock.instant()));
      node.put("previous_secret", s.previousSecret() != null);
      node.put(
          "previous_secret_expires_at",
          s.previousSecretExpiresAt() == null ? null : s.previousSecretExpiresAt().toString());
      out().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
      return ExitCodes.OK;
    }
    PrintWriter out = out();
    line(out, "id", s.id());
    line(out, "version", Long.toString(version));
    line(out, "space", s.spaceId());
    line(out, "url", s.url().toString());
    line(out, "events", String.join(",", s.events().stream().map(EventPattern::text).toList()));
    line(out, "enabled", s.enabled() ? "yes" : "no");
    line(
        out,
        "rate limit",
        s.rateLimitPerSecond() == null ? "none" : s.rateLimitPerSecond() + " per second");
    line(out, "description", s.description());
    line(out, "secret", secret(s, secretSince));
    line(out, "previous secret", previous(s));
    return ExitCodes.OK;
  }

  private static String secret(Subscription s, Instant since) {
    if (s.secret() == null) {
      return "none (requests are unsigned)";
    }
    String set = "set since " + (since == null ? "unknown" : since.toString());
    String problem = s.secret().problem();
    return problem == null ? set : set + ", but cannot be read: " + problem;
  }

  private String previous(Subscription s) {
    if (s.previousSecret() == null) {
      return "none";
    }
    Instant until = s.previousSecretExpiresAt();
    boolean inGrace = until != null && until.isAfter(clock.instant());
    String state =
        until == null
            ? "set, with no end of grace (not used for signing)"
            : (inGrace ? "accepted until " : "expired at ") + until;
    String problem = s.previousSecret().problem();
    if (problem == null) {
      return state;
    }
    return state + ", cannot be read: " + problem + (inGrace ? "" : " (ignored: it signs nothing)");
  }

  private static void line(PrintWriter out, String name, String value) {
    out.printf("%-16s %s%n", name + ":", SafeText.escape(value));
  }
}
