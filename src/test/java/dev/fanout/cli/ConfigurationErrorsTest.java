package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A bad configuration stops every command with exit code 2 and names every bad key at once. */
class ConfigurationErrorsTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @AfterEach
  void restoreEnvironment() {
    BaseCommand.environment = System.getenv();
  }

  private int run(String... args) {
    CommandLine cli = FanoutCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void exitsTwoNamingEveryBadKeyFromFlagsFileAndEnvironment(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("fanout.properties");
    Files.writeString(file, "retry.jitter=lots\nno.such.key=1\n");
    BaseCommand.environment =
        Map.of("FANOUT_DELIVERY_CONNECT_TIMEOUT", "soon", "FANOUT_SECRET_KEYS", "k1:c2hvcnQ=");

    int code =
        run(
            "--config",
            file.toString(),
            "--set",
            "delivery.max-in-flight=0",
            "--set",
            "retry.schedule=5s,banana",
            "--set",
            "log.format=xml",
            "topics",
            "create");

    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString())
        .contains("retry.jitter")
        .contains("no.such.key")
        .contains("delivery.connect-timeout")
        .contains("delivery.max-in-flight")
        .contains("retry.schedule")
        .contains("log.format")
        .contains("FANOUT_SECRET_KEYS");
    assertThat(err.toString()).doesNotContain("c2hvcnQ=");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void exitsTwoOnAnUnknownFlag() {
    assertThat(run("--no-such-flag", "topics", "create")).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void exitsTwoWhenTheConfigFileIsMissing(@TempDir Path dir) {
    int code = run("--config", dir.resolve("absent.properties").toString(), "topics", "create");
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("absent.properties");
  }

  @Test
  void verifyExitsZeroForAGoodSignatureAndOneForABadOne(@TempDir Path dir) throws Exception {
    Path body = dir.resolve("body.json");
    Files.writeString(body, "Hello, World!");
    Path secret = dir.resolve("secret");
    Files.writeString(secret, "It's a Secret to Everybody\n");
    String good = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    assertThat(
            run(
                "verify",
                "--body",
                body.toString(),
                "--secret-file",
                secret.toString(),
                "--signature",
                good))
        .isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).contains("x-y42-signature: valid");
    assertThat(
            run(
                "verify",
                "--body",
                body.toString(),
                "--secret-file",
                secret.toString(),
                "--signature",
                good.replace('7', '8')))
        .isEqualTo(ExitCodes.FAILURE);
  }
}
