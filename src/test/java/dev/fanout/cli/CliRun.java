package dev.fanout.cli;

import dev.fanout.testing.FanoutHarness;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * Runs the {@code fanout} command line in process against a harness's topics. Holds the commands'
 * environment ({@code BaseCommand.environment}, a static) until {@link #close}, which gives the
 * process's back, so no later test sees this one's keys.
 */
final class CliRun implements AutoCloseable {
  private final FanoutHarness fanout;
  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  /** Commands get the harness's secret keys, as an operator's shell would hold them. */
  CliRun(FanoutHarness fanout) {
    this.fanout = fanout;
    if (fanout.secretKeys() != null) {
      BaseCommand.environment =
          java.util.Map.of(dev.fanout.signing.SecretCipher.KEYS_VARIABLE, fanout.secretKeys());
    }
  }

  int run(String... command) {
    out = new StringWriter();
    err = new StringWriter();
    List<String> args = new ArrayList<>();
    args.addAll(List.of("--bootstrap-servers", fanout.config().kafka().bootstrapServers()));
    for (String key :
        List.of(
            "consumer.group-id",
            "topics.events",
            "topics.webhooks",
            "topics.dlq",
            "topics.retry-prefix",
            "retry.schedule",
            "topics.attempts")) {
      args.addAll(List.of("--set", key + "=" + fanout.config().raw().get(key)));
    }
    args.addAll(List.of(command));
    CommandLine cli = FanoutCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args.toArray(String[]::new));
  }

  String out() {
    return out.toString();
  }

  String err() {
    return err.toString();
  }

  @Override
  public void close() {
    BaseCommand.environment = System.getenv();
  }
}
