package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.signing.SecretCipher;
import dev.fanout.testing.FanoutHarness;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The operator commands against a real broker, run as a user would, in process. */
class CommandsIT {
  private FanoutHarness fanout;
  private StringWriter out;
  private StringWriter err;

  @BeforeEach
  void start() {
    fanout = new FanoutHarness();
    BaseCommand.environment = Map.of(SecretCipher.KEYS_VARIABLE, fanout.secretKeys());
  }

  @AfterEach
  void stop() throws Exception {
    BaseCommand.environment = System.getenv();
    fanout.close();
  }

  private int run(String... command) {
    out = new StringWriter();
    err = new StringWriter();
    List<String> args = new ArrayList<>();
    args.addAll(List.of("--bootstrap-servers", fanout.config().kafka().bootstrapServers()));
    for (String key :
        List.of(
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

  @Test
  void topicsCreateIsIdempotent() {
    assertThat(run("topics", "create")).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).contains("exists   " + fanout.config().topics().webhooks());
    assertThat(out.toString()).doesNotContain("created");
  }

  @Test
  void addsListsAndDeletesAWebhookWithoutEverPrintingItsSecret(@TempDir Path dir) throws Exception {
    Path secretFile = dir.resolve("secret");
    Files.writeString(secretFile, "very-secret-value-42\n");

    assertThat(
            run(
                "webhooks",
                "add",
                "--space",
                "space_7",
                "--url",
                "https://hooks.example.com/y42",
                "--events",
                "job.failed,orchestration.*",
                "--secret-file",
                secretFile.toString()))
        .isEqualTo(ExitCodes.OK);
    String id = out.toString().trim();
    assertThat(id).matches("wh_[A-Za-z0-9_-]{22}");

    assertThat(run("webhooks", "list")).isEqualTo(ExitCodes.OK);
    assertThat(out.toString())
        .contains(id, "space_7", "https://hooks.example.com/y42", "job.failed,orchestration.*")
        .doesNotContain("very-secret-value-42");
    assertThat(run("webhooks", "list", "--output", "json")).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).contains("\"signed\" : true").doesNotContain("very-secret-value-42");

    assertThat(run("webhooks", "delete", id)).isEqualTo(ExitCodes.OK);
    assertThat(run("webhooks", "list")).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).doesNotContain(id);
    assertThat(run("webhooks", "delete", id)).isEqualTo(ExitCodes.FAILURE);
    assertThat(err.toString()).contains("no webhook " + id);
  }

  @Test
  void deletesARecordTheWorkersRefuse() {
    fanout.putConfigRecord("wh_garbage", "{not a webhook".getBytes(StandardCharsets.UTF_8));
    assertThat(run("webhooks", "get", "wh_garbage")).isEqualTo(ExitCodes.FAILURE);

    assertThat(run("webhooks", "delete", "wh_garbage")).isEqualTo(ExitCodes.OK);

    List<ConsumerRecord<byte[], byte[]>> records =
        fanout.readTopic(fanout.config().topics().webhooks(), 2, Duration.ofSeconds(30));
    ConsumerRecord<byte[], byte[]> last = records.get(records.size() - 1);
    assertThat(new String(last.key(), StandardCharsets.UTF_8)).isEqualTo("wh_garbage");
    assertThat(last.value()).isNull();
  }

  @Test
  void readsTheSecretFromTheEnvironmentOrStandardInput() {
    BaseCommand.environment =
        Map.of(
            "HOOK_SECRET", "from-env-0123456789", SecretCipher.KEYS_VARIABLE, fanout.secretKeys());
    assertThat(
            run(
                "webhooks",
                "add",
                "--space",
                "s",
                "--url",
                "https://a.example/x",
                "--events",
                "*",
                "--secret-env",
                "HOOK_SECRET"))
        .isEqualTo(ExitCodes.OK);
    InputStream stdin = System.in;
    try {
      System.setIn(
          new ByteArrayInputStream("from-stdin-0123456789\n".getBytes(StandardCharsets.UTF_8)));
      assertThat(
              run(
                  "webhooks",
                  "add",
                  "--space",
                  "s",
                  "--url",
                  "https://a.example/y",
                  "--events",
                  "*",
                  "--secret-stdin"))
          .isEqualTo(ExitCodes.OK);
    } finally {
      System.setIn(stdin);
    }
    assertThat(run("webhooks", "list", "--space", "s")).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).contains("https://a.example/x", "https://a.example/y");
  }

  @Test
  void refusesASecretAsAPlainFlagAndABadUrl() {
    assertThat(
            run(
                "webhooks",
                "add",
                "--space",
                "s",
                "--url",
                "https://a.example",
                "--events",
                "*",
                "--secret",
                "x"))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(run("webhooks", "add", "--space", "s", "--url", "ftp://a.example", "--events", "*"))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--url");
  }
}
