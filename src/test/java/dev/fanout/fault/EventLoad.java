package dev.fanout.fault;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes a known set of events: ids {@code <run>-<n>}, each keyed by its space (spaces taken in
 * turn, so every partition gets its share), at a steady rate from a background thread. Only events
 * the broker acknowledged are expected to be delivered; a failed write is counted, not expected.
 */
final class EventLoad implements AutoCloseable {
  /** An event the broker acknowledged, and where it landed. */
  record Produced(String id, String space, int partition, long offset, Instant at) {}

  static final String TYPE = "job.failed";
  private static final int TICKS_PER_SECOND = 10;

  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final List<String> spaces;
  private final String runId;
  private final ScheduledExecutorService pacer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "fault-load");
            t.setDaemon(true);
            return t;
          });
  private final ConcurrentLinkedQueue<Produced> produced = new ConcurrentLinkedQueue<>();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger left = new AtomicInteger();
  private final AtomicInteger sent = new AtomicInteger();
  private final AtomicInteger answered = new AtomicInteger();

  EventLoad(String bootstrapServers, String topic, List<String> spaces, String runId) {
    this.topic = topic;
    this.spaces = List.copyOf(spaces);
    this.runId = runId;
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.LINGER_MS_CONFIG,
                5,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                8 * 1024 * 1024,
                ProducerConfig.BUFFER_MEMORY_CONFIG,
                32L * 1024 * 1024,
                // Outlives a broker outage of a minute or two: writes wait, they are not lost.
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                300_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                300_000),
            new ByteArraySerializer(),
            new ByteArraySerializer());
  }

  /**
   * Starts writing up to {@code count} events at {@code perSecond} from a background thread;
   * returns at once. {@link #stop} ends it earlier.
   */
  void start(int count, int perSecond) {
    int perTick = Math.max(1, perSecond / TICKS_PER_SECOND);
    left.set(count);
    pacer.scheduleAtFixedRate(
        () -> {
          for (int i = 0; i < perTick && left.getAndDecrement() > 0; i++) {
            sendEvent();
          }
        },
        0,
        1000 / TICKS_PER_SECOND,
        TimeUnit.MILLISECONDS);
  }

  /** Writes no more events after those already sent. */
  void stop() {
    left.set(0);
  }

  /** Whether the load has written all it was asked to (or was stopped). */
  boolean finished() {
    return left.get() <= 0;
  }

  /** Events acknowledged (or failed) so far. */
  int answered() {
    return answered.get();
  }

  /** Waits until the load has finished and every event sent has been acknowledged or has failed. */
  boolean awaitAcked(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (!(finished() && answered.get() == sent.get())) {
      if (Instant.now().isAfter(deadline)) {
        return false;
      }
      WorkerProcess.pause(Duration.ofMillis(100));
    }
    return true;
  }

  private void sendEvent() {
    sent.incrementAndGet();
    int n = next.getAndIncrement();
    String id = runId + "-" + n;
    String space = spaces.get(n % spaces.size());
    byte[] value = json(id, space, "").getBytes(StandardCharsets.UTF_8);
    producer.send(
        new ProducerRecord<>(topic, space.getBytes(StandardCharsets.UTF_8), value),
        (metadata, error) -> {
          if (error == null) {
            produced.add(
                new Produced(id, space, metadata.partition(), metadata.offset(), Instant.now()));
          } else {
            failed.incrementAndGet();
          }
          answered.incrementAndGet();
        });
  }

  /**
   * Writes one record as it is given (poison, or an event with unusual headers) and waits for its
   * acknowledgement. When {@code eventId} is not null the record is an event the harness expects to
   * be delivered.
   */
  RecordMetadata sendRaw(
      String key, byte[] value, Map<String, byte[]> headers, String eventId, String space)
      throws Exception {
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(
            topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
    headers.forEach((name, bytes) -> record.headers().add(new RecordHeader(name, bytes)));
    RecordMetadata metadata = producer.send(record).get(60, TimeUnit.SECONDS);
    if (eventId != null) {
      produced.add(
          new Produced(eventId, space, metadata.partition(), metadata.offset(), Instant.now()));
    }
    return metadata;
  }

  /** An event of the contract; {@code padding} goes into its data to make it as large as needed. */
  static String json(String id, String space, String padding) {
    return "{\"id\":\""
        + id
        + "\",\"type\":\""
        + TYPE
        + "\",\"space_id\":\""
        + space
        + "\",\"occurred_at\":\""
        + Instant.now()
        + "\",\"data\":{\"job\":\"daily_revenue\",\"pad\":\""
        + padding
        + "\"}}";
  }

  /** A fresh id for an event written by {@link #sendRaw}. */
  String nextId() {
    return runId + "-" + next.getAndIncrement();
  }

  List<Produced> produced() {
    return new ArrayList<>(produced);
  }

  int failed() {
    return failed.get();
  }

  @Override
  public void close() {
    pacer.shutdownNow();
    producer.close(Duration.ofSeconds(10));
  }
}
