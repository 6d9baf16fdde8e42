package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --output} means the same on every command that prints results. */
class OutputOptionTest {
  private static final List<List<String>> COMMANDS =
      List.of(
          List.of("webhooks", "list"),
          List.of("webhooks", "get", "wh_1"),
          List.of("dlq", "stats"),
          List.of("dlq", "list"),
          List.of("deliveries", "list", "--webhook", "wh_1"),
          List.of("deliveries", "show", "dlv_1"));

  @Test
  void anythingButTextOrJsonIsAUsageErrorBeforeAnythingIsRead() {
    for (List<String> command : COMMANDS) {
      StringWriter err = new StringWriter();
      CommandLine cli = FanoutCommand.commandLine();
      cli.setOut(new PrintWriter(new StringWriter(), true));
      cli.setErr(new PrintWriter(err, true));
      List<String> args = new ArrayList<>(command);
      // Nothing listens here: a command that got past its options would fail to connect instead.
      args.addAll(List.of("--bootstrap-servers", "127.0.0.1:9", "--output", "xml"));

      int code = cli.execute(args.toArray(String[]::new));

      assertThat(code).as(String.join(" ", command)).isEqualTo(ExitCodes.USAGE);
      assertThat(err.toString()).as(String.join(" ", command)).contains("--output", "xml");
    }
  }

  @Test
  void everyCommandThatPrintsResultsTakesTheSameOption() {
    for (List<String> command : COMMANDS) {
      CommandLine sub = FanoutCommand.commandLine();
      for (String name : command) {
        if (name.startsWith("-") || name.startsWith("wh_") || name.startsWith("dlv_")) {
          break;
        }
        sub = sub.getSubcommands().get(name);
      }
      assertThat(sub.getCommandSpec().findOption("--output").type())
          .as(String.join(" ", command))
          .isEqualTo(OutputFormat.class);
    }
  }
}
