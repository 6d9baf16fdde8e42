package dev.fanout.subscription.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.kafka.FanoutHeaders;
import dev.fanout.signing.SecretCipher;
import dev.fanout.subscription.Subscription;
import dev.fanout.subscription.SubscriptionCodec;
import dev.fanout.subscription.SubscriptionIndex;
import dev.fanout.subscription.SubscriptionWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/**
 * The config topic as a compare-and-set table: a change made from a stale read loses, on every
 * reader alike, and its writer makes the winner the key's last record again.
 */
class CompareAndSetTest {
  private static final String TOPIC = "fanout.webhooks";
  private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
  private static final String ME = "worker-me";

  private final SubscriptionCodec codec = new SubscriptionCodec(SecretCipher.none());
  private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
  private final SubscriptionIndex index = new SubscriptionIndex();
  private final List<String> repairs = new ArrayList<>();
  private final List<ConsumerRecord<byte[], byte[]>> log = new ArrayList<>();

  @Test
  void aDisableMadeFromAStaleReadDoesNotRevertANewerUrl() throws Exception {
    byte[] v1 = codec.encode("wh_1", "s", url("a"), List.of("*"), true, null, "");
    Subscription read = codec.decode("wh_1", v1);
    byte[] v2 =
        codec.withVersion(codec.encode("wh_1", "s", url("b"), List.of("*"), true, null, ""), 2);
    append(v1, "cli");
    append(v2, "cli");
    append(codec.withEnabled(read, false), ME); // made from v1: also version 2, and later

    read();

    Subscription now = index.get("wh_1").orElseThrow();
    assertThat(now.url()).isEqualTo(url("b"));
    assertThat(now.enabled()).isTrue();
    assertThat(repairs).as("the loser writes the winner again").containsExactly("put wh_1 v3 b");
  }

  @Test
  void anotherWritersLostChangeIsNotRepairedHere() throws Exception {
    byte[] v1 = codec.encode("wh_1", "s", url("a"), List.of("*"), true, null, "");
    append(v1, "cli");
    append(codec.withVersion(v1, 1), "worker-other");

    read();

    assertThat(repairs).isEmpty();
  }

  @Test
  void nothingWrittenFromARecordReadBeforeADeletionBringsTheWebhookBack() throws Exception {
    byte[] v1 = codec.encode("wh_1", "s", url("a"), List.of("*"), true, null, "");
    Subscription read = codec.decode("wh_1", v1);
    append(v1, "cli");
    append(null, "cli");
    append(codec.withEnabled(read, false), ME);

    read();

    assertThat(index.get("wh_1")).isEmpty();
    assertThat(repairs).containsExactly("delete wh_1");
  }

  @Test
  void aChangeMadeFromTheCurrentVersionApplies() throws Exception {
    byte[] v1 = codec.encode("wh_1", "s", url("a"), List.of("*"), true, null, "");
    append(v1, "cli");
    append(codec.withEnabled(codec.decode("wh_1", v1), false), ME);

    read();

    assertThat(index.get("wh_1").orElseThrow().enabled()).isFalse();
    assertThat(repairs).isEmpty();
  }

  @Test
  void recordsWithoutAVersionAlwaysApply() throws Exception {
    byte[] v1 = codec.encode("wh_1", "s", url("a"), List.of("*"), true, null, "");
    String handWritten =
        "{\"id\":\"wh_1\",\"space_id\":\"s\",\"url\":\"" + url("c") + "\",\"events\":[\"*\"]}";
    append(v1, "cli");
    append(handWritten.getBytes(StandardCharsets.UTF_8), "operator");

    read();

    assertThat(index.get("wh_1").orElseThrow().url()).isEqualTo(url("c"));
  }

  private void read() {
    consumer.updatePartitions(
        TOPIC, List.of(new PartitionInfo(TOPIC, 0, Node.noNode(), new Node[0], new Node[0])));
    consumer.updateBeginningOffsets(Map.of(P0, 0L));
    consumer.updateEndOffsets(Map.of(P0, (long) log.size()));
    consumer.schedulePollTask(() -> log.forEach(consumer::addRecord));
    SubscriptionWriter writer =
        new SubscriptionWriter() {
          @Override
          public CompletableFuture<Void> put(String id, byte[] value) {
            repairs.add(
                "put " + id + " v" + SubscriptionCodec.version(value) + " " + hostOf(value));
            return CompletableFuture.completedFuture(null);
          }

          @Override
          public CompletableFuture<Void> delete(String id) {
            repairs.add("delete " + id);
            return CompletableFuture.completedFuture(null);
          }
        };
    new CompactedTopicSubscriptionStore(consumer, TOPIC, codec, index, (k, r) -> {}, ME, writer)
        .readToEnd();
  }

  private static char hostOf(byte[] value) {
    String json = new String(value, StandardCharsets.UTF_8);
    return json.substring(json.indexOf("https://") + "https://".length()).charAt(0);
  }

  private void append(byte[] value, String writer) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(FanoutHeaders.WRITER, writer.getBytes(StandardCharsets.UTF_8));
    log.add(
        new ConsumerRecord<>(
            TOPIC,
            0,
            log.size(),
            0L,
            TimestampType.CREATE_TIME,
            0,
            0,
            "wh_1".getBytes(StandardCharsets.UTF_8),
            value,
            headers,
            java.util.Optional.empty()));
  }

  private static URI url(String host) {
    return URI.create("https://" + host + ".example.com/hook");
  }
}
