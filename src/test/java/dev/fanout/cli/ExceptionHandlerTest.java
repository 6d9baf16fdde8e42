package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.admin.AdminFailure;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ExceptionHandlerTest {
  @Test
  void anAdminFailureIsOneLineAndExitCode1() {
    CommandLine cli = FanoutCommand.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));

    int code =
        new ExceptionHandler()
            .handleExecutionException(
                new AdminFailure("webhook wh_1 changed meanwhile (version 3); re-read and retry"),
                cli,
                null);

    assertThat(code).isEqualTo(ExitCodes.FAILURE);
    assertThat(err.toString())
        .isEqualTo(
            "fanout: webhook wh_1 changed meanwhile (version 3); re-read and retry"
                + System.lineSeparator());
  }
}
