package dev.fanout.cli;

import dev.fanout.subscription.EventPattern;
import dev.fanout.subscription.InvalidSubscriptionException;
import dev.fanout.subscription.SubscriptionCodec;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Checks the values of {@code --url}, {@code --events} and {@code --rate-limit} as given. */
final class WebhookArguments {
  private WebhookArguments() {}

  /** A URL the worker accepts; a usage error naming {@code --url} otherwise. */
  static URI url(CommandLine cli, String text) {
    try {
      return SubscriptionCodec.url(text);
    } catch (InvalidSubscriptionException e) {
      throw new ParameterException(cli, "--url: " + e.getMessage());
    }
  }

  /** One or more event patterns from a comma-separated list. */
  static List<EventPattern> events(CommandLine cli, String text) {
    List<EventPattern> patterns;
    try {
      patterns =
          Arrays.stream(text.split(","))
              .map(String::trim)
              .filter(s -> !s.isEmpty())
              .map(EventPattern::new)
              .toList();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(cli, "--events: " + e.getMessage());
    }
    if (patterns.isEmpty()) {
      throw new ParameterException(cli, "--events: give at least one event type");
    }
    return patterns;
  }

  static int rateLimit(CommandLine cli, int perSecond) {
    if (perSecond < 1) {
      throw new ParameterException(cli, "--rate-limit: give 1 or more");
    }
    return perSecond;
  }
}
