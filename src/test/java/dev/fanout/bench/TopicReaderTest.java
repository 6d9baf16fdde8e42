package dev.fanout.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class TopicReaderTest {
  @Test
  void readsEveryPartitionFromTheBeginningToItsEnd() {
    MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    TopicPartition p0 = new TopicPartition("t", 0);
    TopicPartition p1 = new TopicPartition("t", 1);
    consumer.updatePartitions(
        "t",
        List.of(
            new PartitionInfo("t", 0, null, null, null),
            new PartitionInfo("t", 1, null, null, null)));
    consumer.updateBeginningOffsets(Map.of(p0, 0L, p1, 0L));
    consumer.updateEndOffsets(Map.of(p0, 2L, p1, 1L));
    consumer.schedulePollTask(
        () -> {
          consumer.addRecord(new ConsumerRecord<>("t", 0, 0, null, new byte[0]));
          consumer.addRecord(new ConsumerRecord<>("t", 1, 0, null, new byte[0]));
        });
    consumer.schedulePollTask(
        () -> consumer.addRecord(new ConsumerRecord<>("t", 0, 1, null, new byte[0])));
    List<Integer> batches = new ArrayList<>();

    long read =
        TopicReader.readToEnd(
            consumer, List.of("t"), Duration.ofSeconds(10), r -> batches.add(r.count()));

    assertThat(read).isEqualTo(3);
    assertThat(batches).containsExactly(2, 1);
    assertThat(consumer.assignment()).containsExactlyInAnyOrder(p0, p1);
  }
}
