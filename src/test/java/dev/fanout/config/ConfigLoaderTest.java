package dev.fanout.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {
  @TempDir Path dir;

  @Test
  void defaultsAloneGiveAValidConfiguration() {
    FanoutConfig config = ConfigLoader.load(Map.of(), null, Map.of(), Map.of());

    assertThat(config.delivery().maxInFlight()).isEqualTo(1000);
    assertThat(config.kafka().bootstrapServers()).isEqualTo("localhost:9092");
    assertThat(config.topics().events())
        .containsExactly("y42.events.jobs", "y42.events.orchestrations");
    assertThat(config.retry().schedule())
        .containsExactly(
            Duration.ofSeconds(5),
            Duration.ofMinutes(1),
            Duration.ofMinutes(5),
            Duration.ofMinutes(30),
            Duration.ofHours(2),
            Duration.ofHours(5),
            Duration.ofHours(10),
            Duration.ofHours(10));
    assertThat(config.retry().maxAge()).isEqualTo(Duration.ofHours(72));
    assertThat(config.delivery().allowedNetworks()).isEmpty();
    assertThat(config.security()).isEqualTo(new FanoutConfig.Security(false, true, false));
    assertThat(config.requireEncryptedSecrets()).isTrue();
  }

  @Test
  void fileOverridesDefaults() throws IOException {
    Path file = file("delivery.max-in-flight=10\n");

    assertThat(ConfigLoader.load(Map.of(), file, Map.of(), Map.of()).delivery().maxInFlight())
        .isEqualTo(10);
  }

  @Test
  void environmentOverridesFile() throws IOException {
    Path file = file("delivery.max-in-flight=10\n");
    Map<String, String> env = Map.of("FANOUT_DELIVERY_MAX_IN_FLIGHT", "20");

    assertThat(ConfigLoader.load(Map.of(), file, env, Map.of()).delivery().maxInFlight())
        .isEqualTo(20);
  }

  @Test
  void flagsOverrideEnvironment() throws IOException {
    Path file = file("delivery.max-in-flight=10\n");
    Map<String, String> env = Map.of("FANOUT_DELIVERY_MAX_IN_FLIGHT", "20");
    Map<String, String> flags = Map.of("delivery.max-in-flight", "30");

    assertThat(ConfigLoader.load(Map.of(), file, env, flags).delivery().maxInFlight())
        .isEqualTo(30);
  }

  @Test
  void commandDefaultsSitAboveBuiltInDefaultsButBelowFile() throws IOException {
    Map<String, String> commandDefaults = Map.of("retry.schedule", "1s", "retry.jitter", "0");
    Path file = file("retry.jitter=0.1\n");

    List<String> problems = new ArrayList<>();

    Map<String, String> merged =
        ConfigLoader.merge(commandDefaults, file, Map.of(), Map.of(), problems);

    assertThat(merged).containsEntry("retry.schedule", "1s").containsEntry("retry.jitter", "0.1");
    assertThat(problems).isEmpty();
  }

  @Test
  void envNameUpperCasesAndTurnsDotsAndDashesIntoUnderscores() {
    assertThat(ConfigLoader.envName("delivery.max-in-flight"))
        .isEqualTo("FANOUT_DELIVERY_MAX_IN_FLIGHT");
    assertThat(ConfigLoader.envName("kafka.bootstrap.servers"))
        .isEqualTo("FANOUT_KAFKA_BOOTSTRAP_SERVERS");
  }

  @Test
  void bootstrapServersComeFromEnvironment() {
    Map<String, String> env = Map.of("FANOUT_KAFKA_BOOTSTRAP_SERVERS", "broker:9093");

    FanoutConfig config = ConfigLoader.load(Map.of(), null, env, Map.of());

    assertThat(config.kafka().bootstrapServers()).isEqualTo("broker:9093");
    assertThat(config.kafka().passThrough()).doesNotContainKey("bootstrap.servers");
  }

  @Test
  void kafkaEnvironmentVariableBecomesPassThroughClientProperty() {
    Map<String, String> env =
        Map.of(
            "FANOUT_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
            "FANOUT_KAFKA_SECURITY_PROTOCOL", "SASL_SSL");

    FanoutConfig config = ConfigLoader.load(Map.of(), null, env, Map.of());

    assertThat(config.kafka().passThrough())
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("security.protocol", "SASL_SSL");
  }

  @Test
  void kafkaKeysInFileAndFlagsPassThroughWithFlagsWinning() throws IOException {
    Path file = file("kafka.sasl.mechanism=PLAIN\nkafka.consumer.max.poll.records=50\n");
    Map<String, String> env = Map.of("FANOUT_KAFKA_SASL_MECHANISM", "SCRAM-SHA-256");
    Map<String, String> flags = Map.of("kafka.sasl.mechanism", "SCRAM-SHA-512");

    FanoutConfig config = ConfigLoader.load(Map.of(), file, env, flags);

    assertThat(config.kafka().passThrough())
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("consumer.max.poll.records", "50");
  }

  @Test
  void environmentKafkaKeyOverridesFileKafkaKey() throws IOException {
    Path file = file("kafka.sasl.mechanism=PLAIN\n");
    Map<String, String> env = Map.of("FANOUT_KAFKA_SASL_MECHANISM", "SCRAM-SHA-256");

    assertThat(ConfigLoader.load(Map.of(), file, env, Map.of()).kafka().passThrough())
        .containsEntry("sasl.mechanism", "SCRAM-SHA-256");
  }

  @Test
  void unrelatedEnvironmentVariablesAreIgnored() {
    Map<String, String> env = Map.of("HOME", "/root", "FANOUT_NOT_A_KEY", "x");

    assertThat(ConfigLoader.load(Map.of(), null, env, Map.of()).delivery().maxInFlight())
        .isEqualTo(1000);
  }

  @Test
  void unknownKeyInFileIsAProblem() throws IOException {
    Path file = file("delivery.max-inflight=10\n");

    ConfigException e =
        catchThrowableOfType(
            ConfigException.class, () -> ConfigLoader.load(Map.of(), file, Map.of(), Map.of()));

    assertThat(e.problems()).hasSize(1);
    assertThat(e.problems().get(0)).contains("delivery.max-inflight").contains("unknown key");
  }

  @Test
  void responseSnippetsKeep256BytesUnlessToldOtherwise() {
    assertThat(
            ConfigLoader.load(Map.of(), null, Map.of(), Map.of()).history().responseSnippetBytes())
        .isEqualTo(256);
    assertThat(
            ConfigLoader.load(
                    Map.of(), null, Map.of(), Map.of("history.response-snippet-bytes", "0"))
                .history()
                .responseSnippetBytes())
        .isZero();
  }

  @Test
  void responseSnippetsAreCappedAt4096BytesEach() {
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of(), null, Map.of(), Map.of("history.response-snippet-bytes", "4097")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("history.response-snippet-bytes: 4097 is outside 0..4096");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of(), null, Map.of(), Map.of("history.response-snippet-bytes", "-1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("history.response-snippet-bytes: -1 is outside 0..4096");
  }

  @Test
  void responseSnippetsAHistoryQueueCouldHoldAreBounded() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                ConfigLoader.load(
                    Map.of(),
                    null,
                    Map.of(),
                    Map.of(
                        "history.response-snippet-bytes", "4096",
                        "history.buffer-records", "20000")));

    assertThat(e.problems())
        .containsExactly(
            "history.response-snippet-bytes: 4096 bytes for each of history.buffer-records 20000"
                + " is more than 64 MiB of queued snippets; lower one of them");
    assertThat(
            ConfigLoader.load(
                    Map.of(),
                    null,
                    Map.of(),
                    Map.of(
                        "history.response-snippet-bytes", "4096",
                        "history.buffer-records", "16384"))
                .history()
                .responseSnippetBytes())
        .isEqualTo(4096);
  }

  @Test
  void unknownFlagIsAProblem() {
    assertThatThrownBy(
            () -> ConfigLoader.load(Map.of(), null, Map.of(), Map.of("retry.schedul", "5s")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("retry.schedul: unknown key");
  }

  @Test
  void unknownKeysInFileAndFlagsAreReportedTogether() throws IOException {
    Path file = file("bogus.one=1\n");

    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () -> ConfigLoader.load(Map.of(), file, Map.of(), Map.of("bogus.two", "2")));

    assertThat(e.problems())
        .hasSize(2)
        .anySatisfy(p -> assertThat(p).startsWith("bogus.one"))
        .anySatisfy(p -> assertThat(p).startsWith("bogus.two"));
  }

  @Test
  void unreadableFileIsAProblem() {
    Path missing = dir.resolve("missing.properties");

    assertThatThrownBy(() -> ConfigLoader.load(Map.of(), missing, Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--config")
        .hasMessageContaining("missing.properties");
  }

  @Test
  void everyBadValueIsReportedInOneExceptionNamingItsKey() {
    Map<String, String> flags =
        Map.of(
            "delivery.max-in-flight", "0",
            "retry.jitter", "2",
            "log.format", "xml",
            "retry.schedule", "5s,soon",
            "security.require-encrypted-secrets", "maybe",
            "delivery.allowed-networks", "10.0.0.0/99",
            "delivery.proxy", "proxy-without-port",
            "management.port", "http");

    ConfigException e =
        catchThrowableOfType(
            ConfigException.class, () -> ConfigLoader.load(Map.of(), null, Map.of(), flags));

    assertThat(e.problems())
        .hasSize(8)
        .anySatisfy(p -> assertThat(p).startsWith("delivery.max-in-flight:").contains("0"))
        .anySatisfy(p -> assertThat(p).startsWith("retry.jitter:").contains("2"))
        .anySatisfy(p -> assertThat(p).startsWith("log.format:").contains("xml"))
        .anySatisfy(p -> assertThat(p).startsWith("retry.schedule:").contains("soon"))
        .anySatisfy(
            p -> assertThat(p).startsWith("security.require-encrypted-secrets:").contains("maybe"))
        .anySatisfy(p -> assertThat(p).startsWith("delivery.allowed-networks:").contains("/99"))
        .anySatisfy(p -> assertThat(p).startsWith("delivery.proxy:").contains("proxy-without-port"))
        .anySatisfy(p -> assertThat(p).startsWith("management.port:").contains("http"));
    assertThat(e.getMessage()).contains("delivery.max-in-flight").contains("management.port");
  }

  @Test
  void durationTooLargeIsReportedAsAProblemNamingTheKey() {
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of(), null, Map.of(), Map.of("retry.max-age", "9223372036854775807d")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("retry.max-age");
  }

  @Test
  void unknownKeysAndBadValuesAreReportedInOneException() throws IOException {
    Path file = file("bogus.one=1\ndelivery.max-in-flight=0\n");

    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                ConfigLoader.load(
                    Map.of(), file, Map.of(), Map.of("bogus.two", "2", "retry.jitter", "2")));

    assertThat(e.problems())
        .hasSize(4)
        .anySatisfy(p -> assertThat(p).startsWith("bogus.one").contains("unknown key"))
        .anySatisfy(p -> assertThat(p).startsWith("bogus.two").contains("unknown key"))
        .anySatisfy(p -> assertThat(p).startsWith("delivery.max-in-flight:").contains("0"))
        .anySatisfy(p -> assertThat(p).startsWith("retry.jitter:").contains("2"));
  }

  @Test
  void mergeCollectsUnknownKeysAsProblemsAndStillMergesTheRest() throws IOException {
    Path file = file("bogus.one=1\ndelivery.max-in-flight=10\n");
    List<String> problems = new ArrayList<>();

    Map<String, String> merged =
        ConfigLoader.merge(Map.of(), file, Map.of(), Map.of("bogus.two", "2"), problems);

    assertThat(merged).containsEntry("delivery.max-in-flight", "10");
    assertThat(problems)
        .hasSize(2)
        .anySatisfy(p -> assertThat(p).startsWith("bogus.one: unknown key"))
        .anySatisfy(p -> assertThat(p).startsWith("bogus.two: unknown key"));
  }

  @Test
  void removedInProcessAttemptsKeyIsUnknown() {
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of(), null, Map.of(), Map.of("retry.in-process-attempts", "3")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("retry.in-process-attempts: unknown key");
  }

  @Test
  void hostConcurrencyKeysReplaceTheFixedPerEndpointLimit() {
    FanoutConfig config =
        ConfigLoader.load(
            Map.of(),
            null,
            Map.of(),
            Map.of(
                "delivery.host-concurrency.algorithm",
                "vegas",
                "delivery.host-concurrency.max",
                "64"));

    assertThat(config.delivery().hostConcurrency().algorithm()).isEqualTo("vegas");
    assertThat(config.delivery().hostConcurrency().max()).isEqualTo(64);
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of(), null, Map.of(), Map.of("delivery.max-in-flight-per-endpoint", "7")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("delivery.max-in-flight-per-endpoint: unknown key");
  }

  @Test
  void hostConcurrencyBoundsMustBeInOrder() {
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of(),
                    null,
                    Map.of(),
                    Map.of(
                        "delivery.host-concurrency.min", "50",
                        "delivery.host-concurrency.initial", "10",
                        "delivery.host-concurrency.max", "40")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("delivery.host-concurrency.min: 50 is above")
        .hasMessageContaining("delivery.host-concurrency.initial: 10 is outside min..max 50..40");
  }

  @Test
  void commandDefaultsApplyWhenNothingOverridesThem() {
    FanoutConfig config =
        ConfigLoader.load(Map.of("retry.schedule", "1s,2s"), null, Map.of(), Map.of());

    assertThat(config.retry().schedule())
        .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
  }

  @ParameterizedTest
  @ValueSource(strings = {"delivery.max-in-flight", "retry.jitter", "commit.interval"})
  void emptyRequiredValueIsReportedOnce(String key) {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () -> ConfigLoader.load(Map.of(), null, Map.of(), Map.of(key, " ")));

    assertThat(e.problems()).containsExactly(key + ": must be set");
  }

  @ParameterizedTest
  @ValueSource(strings = {"security.require-encrypted-secrets", "log.format", "log.level"})
  void emptyRequiredChoiceIsReportedOnce(String key) {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () -> ConfigLoader.load(Map.of(), null, Map.of(), Map.of(key, " ")));

    assertThat(e.problems()).containsExactly(key + ": must be set");
  }

  @Test
  void emptyRetryScheduleIsRefused() {
    assertThatThrownBy(
            () -> ConfigLoader.load(Map.of(), null, Map.of(), Map.of("retry.schedule", " ")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("retry.schedule: must hold at least one delay");
  }

  @Test
  void zeroDurationIsRefused() {
    assertThatThrownBy(
            () -> ConfigLoader.load(Map.of(), null, Map.of(), Map.of("commit.interval", "0s")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("commit.interval")
        .hasMessageContaining("longer than 0");
  }

  @Test
  void emptyEventTopicsAreRefused() {
    assertThatThrownBy(
            () -> ConfigLoader.load(Map.of(), null, Map.of(), Map.of("topics.events", " , ")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("topics.events");
  }

  @Test
  void withReplacesKeysAndValidatesAgain() {
    FanoutConfig config = ConfigLoader.load(Map.of(), null, Map.of(), Map.of());

    assertThat(config.with(Map.of("delivery.max-in-flight", "7")).delivery().maxInFlight())
        .isEqualTo(7);
    assertThatThrownBy(() -> config.with(Map.of("delivery.max-in-flight", "-7")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("delivery.max-in-flight");
  }

  @Test
  void proxyAndAllowedNetworksAreAcceptedWhenWellFormed() {
    FanoutConfig config =
        ConfigLoader.load(
            Map.of(),
            null,
            Map.of(),
            Map.of(
                "delivery.proxy", "egress.internal:3128",
                "delivery.allowed-networks", "127.0.0.0/8, ::1/128"));

    assertThat(config.delivery().proxy()).isEqualTo("egress.internal:3128");
    assertThat(config.delivery().allowedNetworks()).containsExactly("127.0.0.0/8", "::1/128");
  }

  private Path file(String content) throws IOException {
    Path file = dir.resolve("fanout.properties");
    Files.writeString(file, content);
    return file;
  }

  @Test
  void allowingPlaintextSecretsWhileRequiringEncryptionIsAContradiction() {
    ConfigException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            ConfigException.class,
            () ->
                ConfigLoader.load(
                    Map.of(),
                    null,
                    Map.of(
                        "FANOUT_SECURITY_ALLOW_PLAINTEXT_SECRETS", "true",
                        "FANOUT_SECURITY_REQUIRE_ENCRYPTED_SECRETS", "true"),
                    Map.of()));

    assertThat(e.problems())
        .containsExactly(
            "security.allow-plaintext-secrets: true contradicts"
                + " security.require-encrypted-secrets=true; set one of them only");
  }

  @Test
  void securityKeysComeFromTheEnvironmentLikeEveryOther() {
    FanoutConfig config =
        ConfigLoader.load(
            Map.of(),
            null,
            Map.of(
                "FANOUT_SECURITY_ALLOW_PLAINTEXT_SECRETS", "true",
                "FANOUT_SECURITY_ACCEPT_LEGACY_SECRET_BINDING", "false",
                "FANOUT_SECURITY_REQUIRE_AUTHENTICATED_CONFIG", "true"),
            Map.of());

    assertThat(config.security()).isEqualTo(new FanoutConfig.Security(true, false, true));
    assertThat(config.requireEncryptedSecrets()).isFalse();
  }
}
