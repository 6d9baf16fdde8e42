package dev.fanout.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.admin.Webhooks;
import dev.fanout.admin.kafka.KafkaConfigTopic;
import dev.fanout.app.LoggingSetup;
import dev.fanout.config.ConfigException;
import dev.fanout.config.ConfigLoader;
import dev.fanout.config.FanoutConfig;
import dev.fanout.signing.RecordMac;
import dev.fanout.signing.SecretCipher;
import dev.fanout.subscription.SubscriptionCodec;
import dev.fanout.subscription.SubscriptionIndex;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every leaf command shares: the merged configuration, the secret and config record keys, the
 * codec built from them, stdout and stderr.
 */
abstract class BaseCommand implements Callable<Integer> {
  /** For results printed as JSON. */
  static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  private FanoutConfig config;
  private SecretCipher cipher;
  private RecordMac recordKeys;

  /** Environment, replaceable in tests. */
  static Map<String, String> environment = System.getenv();

  /** The commands' clock (secret dates, grace periods), replaceable in tests. */
  static Clock clock = Clock.systemUTC();

  /** Loads and validates configuration and keys, reporting every problem together (exit 2). */
  final void load(Map<String, String> commandDefaults) {
    FanoutCommand root = (FanoutCommand) spec.root().userObject();
    List<String> problems = new ArrayList<>();
    try {
      config = ConfigLoader.load(commandDefaults, root.configFile, environment, root.flags());
    } catch (ConfigException e) {
      problems.addAll(e.problems());
    }
    try {
      cipher = SecretCipher.parse(environment.get(SecretCipher.KEYS_VARIABLE));
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    try {
      recordKeys = RecordMac.parse(environment.get(RecordMac.KEYS_VARIABLE));
      if (config != null
          && config.security().requireAuthenticatedConfig()
          && !recordKeys.canSign()) {
        problems.add(
            "security.require-authenticated-config: true, but "
                + RecordMac.KEYS_VARIABLE
                + " holds no key to sign and verify config records with");
      }
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    LoggingSetup.apply(
        config.operations().logFormat(),
        config.operations().logLevel(),
        config.operations().logAttempts());
  }

  final FanoutConfig config() {
    if (config == null) {
      load(Map.of());
    }
    return config;
  }

  final SecretCipher cipher() {
    if (cipher == null) {
      load(Map.of());
    }
    return cipher;
  }

  /** Keys that sign the config records this command writes, from {@code FANOUT_CONFIG_KEYS}. */
  final RecordMac recordKeys() {
    if (recordKeys == null) {
      load(Map.of());
    }
    return recordKeys;
  }

  /**
   * The codec every command reads and writes subscriptions with: secrets sealed under {@code
   * FANOUT_SECRET_KEYS} (or refused in the clear unless allowed), records signed with {@code
   * FANOUT_CONFIG_KEYS}.
   */
  final SubscriptionCodec codec() {
    return codec(config(), cipher());
  }

  /** The codec of {@link #codec()} for another configuration or secret cipher. */
  static SubscriptionCodec codec(FanoutConfig config, SecretCipher cipher) {
    return new SubscriptionCodec(
        cipher,
        RecordMac.parse(environment.get(RecordMac.KEYS_VARIABLE)),
        SubscriptionCodec.Policy.of(config.security()));
  }

  /** The webhook service on the config topic; the caller closes it. */
  final Webhooks webhooks() {
    return webhooks(codec());
  }

  final Webhooks webhooks(SubscriptionCodec codec) {
    return new Webhooks(new KafkaConfigTopic(config(), codec), codec, clock);
  }

  /** The subscription table as it is now, for commands that only look webhooks up. */
  final SubscriptionIndex webhookTable() {
    try (KafkaConfigTopic topic = new KafkaConfigTopic(config(), codec())) {
      return topic.read();
    }
  }

  final PrintWriter out() {
    return spec.commandLine().getOut();
  }

  final PrintWriter err() {
    return spec.commandLine().getErr();
  }
}
