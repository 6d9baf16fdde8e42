package dev.fanout.cli;

import picocli.CommandLine.Command;

@Command(
    name = "events",
    description = "Work with the event topics (topics.events).",
    subcommands = {EventsResendCommand.class})
final class EventsCommand {
  private EventsCommand() {}
}
