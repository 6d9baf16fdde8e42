package dev.fanout.subscription.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.fanout.signing.RecordMac;
import dev.fanout.signing.SecretCipher;
import dev.fanout.signing.SigningSecret;
import dev.fanout.subscription.InvalidSubscriptionException.Kind;
import dev.fanout.subscription.SubscriptionCodec;
import dev.fanout.subscription.SubscriptionIndex;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** What the subscription table does with records its codec's security policy refuses or notes. */
class ConfigRecordSecurityTest {
  private static final String TOPIC = "fanout.webhooks";
  private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
  private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
  private static final String SECRET = "a-plain-secret-0123456789";

  private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
  private final SubscriptionIndex index = new SubscriptionIndex();
  private final List<String> rejected = new ArrayList<>();
  private final List<ConsumerRecord<byte[], byte[]>> log = new ArrayList<>();
  private final Logger logger =
      ((LoggerContext) LoggerFactory.getILoggerFactory())
          .getLogger(CompactedTopicSubscriptionStore.class);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  @BeforeEach
  void capture() {
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void release() {
    logger.detachAppender(appender);
  }

  @Test
  void aTamperedRecordIsRefusedAsUnauthenticatedAndTheSignedOneStays() {
    SubscriptionCodec required = codec(new SubscriptionCodec.Policy(false, true, true));
    byte[] signed = required.encode("wh_1", "s", url("a"), List.of("*"), true, null, "");
    byte[] forged =
        new String(signed, StandardCharsets.UTF_8)
            .replace("a.example.com", "attacker.example")
            .replace("\"version\":1", "\"version\":2")
            .getBytes(StandardCharsets.UTF_8);
    assertThat(new String(forged, StandardCharsets.UTF_8)).contains("attacker.example");

    CompactedTopicSubscriptionStore store = read(required, signed, forged);

    assertThat(index.get("wh_1").orElseThrow().url()).isEqualTo(url("a"));
    assertThat(rejected)
        .containsExactly(
            "wh_1 unauthenticated MAC does not match the record (key c1) and"
                + " security.require-authenticated-config=true");
    assertThat(warnings())
        .containsExactly(
            "skipped config record wh_1 of fanout.webhooks: MAC does not match the record (key c1)"
                + " and security.require-authenticated-config=true");
    assertThat(store.plaintextSecrets()).isZero();
  }

  @Test
  void aRecordWithAWeakSecretIsRefusedAsWeak() {
    String weak =
        "{\"id\":\"wh_1\",\"space_id\":\"s\",\"url\":\"https://a.example.com/\",\"events\":[\"*\"],"
            + "\"secret\":\"tiny\"}";

    read(codec(new SubscriptionCodec.Policy(true, true, false)), bytes(weak));

    assertThat(index.get("wh_1")).isEmpty();
    assertThat(rejected).hasSize(1).first().asString().startsWith("wh_1 weak_secret secret ");
  }

  @Test
  void aPlainSecretInUseIsCountedAndWarnedAboutOncePerWebhookWithoutShowingIt() {
    SubscriptionCodec allowing =
        new SubscriptionCodec(
            SecretCipher.none(), RecordMac.none(), new SubscriptionCodec.Policy(true, true, false));
    byte[] v1 =
        allowing.encode("wh_1", "s", url("a"), List.of("*"), true, new SigningSecret(SECRET), "");
    byte[] v2 = allowing.withVersion(v1, 2);

    CompactedTopicSubscriptionStore store = read(allowing, v1, v2);

    assertThat(store.plaintextSecrets()).isEqualTo(1);
    assertThat(store.legacyBoundSecrets()).isZero();
    assertThat(warnings())
        .hasSize(1)
        .first()
        .asString()
        .startsWith("webhook wh_1: its secret is stored in the clear");
    assertThat(String.join("\n", warnings())).doesNotContain(SECRET);
  }

  @Test
  void aDeletedWebhookIsNoLongerCounted() {
    SubscriptionCodec allowing =
        new SubscriptionCodec(
            SecretCipher.none(), RecordMac.none(), new SubscriptionCodec.Policy(true, true, false));
    byte[] v1 =
        allowing.encode("wh_1", "s", url("a"), List.of("*"), true, new SigningSecret(SECRET), "");

    CompactedTopicSubscriptionStore store = read(allowing, v1, null);

    assertThat(store.plaintextSecrets()).isZero();
  }

  private SubscriptionCodec codec(SubscriptionCodec.Policy policy) {
    return new SubscriptionCodec(
        SecretCipher.parse("k1:" + KEY), RecordMac.parse("c1:" + KEY), policy);
  }

  private CompactedTopicSubscriptionStore read(SubscriptionCodec codec, byte[]... values) {
    for (byte[] value : values) {
      log.add(
          new ConsumerRecord<>(
              TOPIC, 0, log.size(), "wh_1".getBytes(StandardCharsets.UTF_8), value));
    }
    consumer.updatePartitions(
        TOPIC, List.of(new PartitionInfo(TOPIC, 0, Node.noNode(), new Node[0], new Node[0])));
    consumer.updateBeginningOffsets(Map.of(P0, 0L));
    consumer.updateEndOffsets(Map.of(P0, (long) log.size()));
    consumer.schedulePollTask(() -> log.forEach(consumer::addRecord));
    CompactedTopicSubscriptionStore store =
        new CompactedTopicSubscriptionStore(
            consumer,
            TOPIC,
            codec,
            index,
            new CompactedTopicSubscriptionStore.Listener() {
              @Override
              public void rejected(String key, String reason) {
                throw new AssertionError("the kind of a refusal is reported");
              }

              @Override
              public void rejected(String key, Kind kind, String reason) {
                rejected.add(key + " " + kind.tag() + " " + reason);
              }
            });
    store.readToEnd();
    return store;
  }

  private List<String> warnings() {
    return appender.list.stream()
        .filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static URI url(String host) {
    return URI.create("https://" + host + ".example.com/hook");
  }
}
