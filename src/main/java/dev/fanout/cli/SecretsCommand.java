package dev.fanout.cli;

import picocli.CommandLine.Command;

@Command(
    name = "secrets",
    description = "Manage how webhook secrets are stored (FANOUT_SECRET_KEYS).",
    subcommands = {SecretsReencryptCommand.class})
final class SecretsCommand {
  private SecretsCommand() {}
}
