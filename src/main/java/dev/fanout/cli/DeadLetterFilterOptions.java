package dev.fanout.cli;

import dev.fanout.replay.DeadLetterFilter;
import dev.fanout.replay.TimeArgument;
import java.time.Clock;
import java.time.Instant;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The filters every {@code dlq} command takes; all that are given must hold. */
final class DeadLetterFilterOptions {
  @Option(names = "--webhook", paramLabel = "ID", description = "Dead letters of this webhook.")
  String webhook;

  @Option(names = "--space", description = "Events of this space (the event's space_id).")
  String space;

  @Option(
      names = "--reason",
      description = "This fanout.reason: http_status, timeout, connect, gone, expired, ...")
  String reason;

  @Option(names = "--event-type", paramLabel = "TYPE", description = "This event type.")
  String eventType;

  @Option(
      names = "--since",
      paramLabel = "TIME",
      description = "Dead-lettered at or after TIME: RFC 3339 (2026-11-28T12:00:00Z) or ago (24h).")
  String since;

  @Option(
      names = "--until",
      paramLabel = "TIME",
      description = "Dead-lettered before TIME: RFC 3339 or ago (1h).")
  String until;

  @Option(
      names = "--from-offset",
      paramLabel = "N",
      description = "From this offset (inclusive), in every partition.")
  Long fromOffset;

  @Option(
      names = "--to-offset",
      paramLabel = "N",
      description = "Up to this offset (inclusive), in every partition.")
  Long toOffset;

  DeadLetterFilter filter(CommandLine cli, Clock clock) {
    try {
      return new DeadLetterFilter(
          webhook,
          space,
          reason,
          eventType,
          time(cli, "--since", since, clock),
          time(cli, "--until", until, clock),
          fromOffset,
          toOffset);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cli, e.getMessage());
    }
  }

  static Instant time(CommandLine cli, String option, String text, Clock clock) {
    if (text == null) {
      return null;
    }
    try {
      return TimeArgument.parse(text, clock);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cli, option + ": " + e.getMessage());
    }
  }
}
