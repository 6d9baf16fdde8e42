package dev.fanout.cli;

import dev.fanout.delivery.Version;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fanout}: the entry point of the jar. Results go to stdout, diagnostics to stderr. */
@Command(
    name = "fanout",
    mixinStandardHelpOptions = true,
    versionProvider = FanoutCommand.VersionProvider.class,
    description =
        "Delivers Kafka events to subscribers' webhooks, signed, retried and dead-lettered.",
    subcommands = {
      WorkerCommand.class,
      DemoCommand.class,
      TopicsCommand.class,
      WebhooksCommand.class,
      SecretsCommand.class,
      DlqCommand.class,
      EventsCommand.class,
      DeliveriesCommand.class,
      VerifyCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class FanoutCommand {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Properties file with configuration keys (see config/fanout.properties).")
  Path configFile;

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Kafka brokers; the same as kafka.bootstrap.servers.")
  String bootstrapServers;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Any configuration key; repeatable. Overrides file and environment.")
  Map<String, String> overrides = new LinkedHashMap<>();

  /** Command-line configuration: {@code --set} keys, then {@code --bootstrap-servers}. */
  Map<String, String> flags() {
    Map<String, String> flags = new LinkedHashMap<>(overrides);
    if (bootstrapServers != null) {
      flags.put("kafka.bootstrap.servers", bootstrapServers);
    }
    return flags;
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code (tests call this instead of main). */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new FanoutCommand());
    cli.setExecutionExceptionHandler(new ExceptionHandler());
    withHelp(cli);
    return cli;
  }

  /** Gives every command and subcommand {@code --help} (and {@code --version}). */
  private static void withHelp(CommandLine command) {
    for (CommandLine sub : command.getSubcommands().values()) {
      if (!(sub.getCommand() instanceof CommandLine.HelpCommand)
          && !sub.getCommandSpec().mixinStandardHelpOptions()) {
        sub.getCommandSpec().mixinStandardHelpOptions(true);
      }
      withHelp(sub);
    }
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"fanout " + Version.current()};
    }
  }
}
