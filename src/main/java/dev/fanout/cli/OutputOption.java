package dev.fanout.cli;

import picocli.CommandLine.Option;

/**
 * {@code --output text|json}, the same on every command that prints results; any other value is a
 * usage error.
 */
final class OutputOption {
  @Option(
      names = "--output",
      description = "text or json (default: ${DEFAULT-VALUE}).",
      defaultValue = "text")
  OutputFormat format;

  boolean json() {
    return format == OutputFormat.json;
  }
}
