package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The README's first command: the demo on its own embedded broker ends well and says so. */
class DemoIT {
  @Test
  void showsVerifiedDeliveriesAndDeadLettersAndExitsZero() {
    BaseCommand.environment = java.util.Map.of();
    StringWriter out = new StringWriter();
    CommandLine cli = FanoutCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(new StringWriter(), true));

    int code;
    try {
      code = cli.execute("demo", "--timeout", "90s");
    } finally {
      BaseCommand.environment = System.getenv();
    }

    assertThat(code).as(out.toString()).isEqualTo(ExitCodes.OK);
    assertThat(out.toString())
        .contains("Kafka broker: 127.0.0.1:")
        .contains("Secrets are encrypted under a key made for this run (it lives in memory only).")
        .contains("x-y42-signature ok  webhook-signature ok  -> 200")
        .contains("fanout.reason            invalid_event")
        .contains("fanout.reason            http_status")
        .contains("Demo complete: 3 verified deliveries, 2 dead letters.")
        .doesNotContain("BAD");
  }
}
