package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Commands refuse, before touching Kafka, to store a secret in the clear or a weak one, and to run
 * when authenticated config is required without a key. No broker: the address given is never
 * reached.
 */
class SecretSafetyCommandsTest {
  private static final String KEYS = "k1:" + Base64.getEncoder().encodeToString(new byte[32]);
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
    String[] all = new String[args.length + 2];
    all[0] = "--bootstrap-servers";
    all[1] = "127.0.0.1:1";
    System.arraycopy(args, 0, all, 2, args.length);
    return cli.execute(all);
  }

  private int add(String... secretOptions) {
    String[] base = {
      "webhooks", "add", "--space", "s", "--url", "https://a.example/x", "--events", "*"
    };
    String[] all = new String[base.length + secretOptions.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(secretOptions, 0, all, base.length, secretOptions.length);
    return run(all);
  }

  @Test
  void addingAGeneratedSecretWithoutAKeyFailsNamingTheKeysAndTheSetting() {
    BaseCommand.environment = Map.of();

    assertThat(add("--generate-secret")).isEqualTo(ExitCodes.USAGE);

    assertThat(err.toString())
        .isEqualTo(
            "fanout: no key in FANOUT_SECRET_KEYS to encrypt the secret with: set"
                + " FANOUT_SECRET_KEYS=<key id>:<base64 of 32 bytes>, or"
                + " security.allow-plaintext-secrets=true to store secrets in the clear (anyone who"
                + " can read the config topic reads them)"
                + System.lineSeparator());
    assertThat(out.toString()).doesNotContain("whsec_").doesNotContain("secret:");
  }

  @Test
  void addingAShortSecretIsRefusedWithoutShowingIt() {
    BaseCommand.environment = Map.of("FANOUT_SECRET_KEYS", KEYS, "HOOK_SECRET", "hunter2hunter2");

    assertThat(add("--secret-env", "HOOK_SECRET")).isEqualTo(ExitCodes.USAGE);

    assertThat(err.toString())
        .startsWith("fanout: the secret is refused: a secret must be at least 16 characters")
        .doesNotContain("hunter2");
  }

  @Test
  void requiringAuthenticatedConfigWithoutAKeyIsAConfigurationProblem() {
    BaseCommand.environment = Map.of("FANOUT_SECURITY_REQUIRE_AUTHENTICATED_CONFIG", "true");

    assertThat(run("webhooks", "list")).isEqualTo(ExitCodes.USAGE);

    assertThat(err.toString())
        .contains(
            "security.require-authenticated-config: true, but FANOUT_CONFIG_KEYS holds no key to"
                + " sign and verify config records with");
  }

  @Test
  void aMalformedConfigKeyIsReportedWithoutItsMaterial() {
    BaseCommand.environment = Map.of("FANOUT_CONFIG_KEYS", "c1:c2hvcnQ=");

    assertThat(run("webhooks", "list")).isEqualTo(ExitCodes.USAGE);

    assertThat(err.toString())
        .contains("FANOUT_CONFIG_KEYS: entry 1 has a key of 5 bytes, not 32")
        .doesNotContain("c2hvcnQ=");
  }
}
