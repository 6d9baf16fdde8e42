package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command and subcommand answers {@code --help}, and says what it does in a sentence. */
class HelpTest {
  @Test
  void everyCommandAnswersHelp() {
    List<List<String>> paths = new ArrayList<>();
    collect(FanoutCommand.commandLine(), new ArrayList<>(), paths);
    assertThat(paths).hasSizeGreaterThan(15);

    for (List<String> path : paths) {
      CommandLine cli = FanoutCommand.commandLine();
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      cli.setOut(new PrintWriter(out, true));
      cli.setErr(new PrintWriter(err, true));
      List<String> args = new ArrayList<>(path);
      args.add("--help");

      int code = cli.execute(args.toArray(String[]::new));

      assertThat(code).as("fanout %s --help", String.join(" ", path)).isZero();
      assertThat(out.toString())
          .as("fanout %s --help", String.join(" ", path))
          .startsWith("Usage:");
      assertThat(err.toString()).isEmpty();
    }
  }

  @Test
  void everyDescriptionStartsWithAWholeSentence() {
    List<CommandLine> commands = new ArrayList<>();
    all(FanoutCommand.commandLine(), commands);

    for (CommandLine command : commands) {
      String[] description = command.getCommandSpec().usageMessage().description();
      assertThat(description).as(command.getCommandName()).isNotEmpty();
      // The first line is what `fanout --help` shows in the list of commands.
      assertThat(description[0]).as(command.getCommandName()).endsWith(".");
    }
  }

  private static void collect(CommandLine command, List<String> path, List<List<String>> paths) {
    for (var sub : command.getSubcommands().entrySet()) {
      if (sub.getValue().getCommand() instanceof CommandLine.HelpCommand) {
        continue;
      }
      List<String> here = new ArrayList<>(path);
      here.add(sub.getKey());
      paths.add(here);
      collect(sub.getValue(), here, paths);
    }
  }

  private static void all(CommandLine command, List<CommandLine> commands) {
    commands.add(command);
    for (CommandLine sub : command.getSubcommands().values()) {
      if (!(sub.getCommand() instanceof CommandLine.HelpCommand)) {
        all(sub, commands);
      }
    }
  }
}
