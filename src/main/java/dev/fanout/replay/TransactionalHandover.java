package dev.fanout.replay;

import io.github.resilience4j.ratelimiter.RateLimiter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * Hands deliveries over in Kafka transactions. Each transaction holds a batch of retry tier records
 * and, with a resume group, the offsets of the scanned topic up to which the batch was made,
 * committed to that group in the same transaction ({@code sendOffsetsToTransaction}):
 *
 * <pre>
 *   scan ──► tier records ─┐
 *                          ├─► one transaction ─► committed: the workers (read_committed) see the
 *   scan ──► next offsets ─┘                      records, and a resumed run starts after them
 * </pre>
 *
 * So a run that dies, or is stopped, leaves either a batch and its offsets or neither: a resumed
 * run sends nothing twice and misses nothing. An open transaction holds back the tier partitions it
 * wrote to for the workers, so batches are short: at most {@link #MAX_BATCH} records or {@link
 * #MAX_BATCH_AGE}.
 */
public final class TransactionalHandover implements Handover {
  static final int MAX_BATCH = 500;
  static final Duration MAX_BATCH_AGE = Duration.ofSeconds(1);

  private final Producer<byte[], byte[]> producer;
  private final String resumeGroup;
  private final RateLimiter rate;
  private final Clock clock;
  private final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
  private boolean open;
  private Instant openedAt;
  private int batch;
  private long committed;

  /**
   * @param producer a transactional producer, not yet initialised; this handover owns it
   * @param resumeGroup consumer group the scanned offsets are committed to; null for none
   * @param rate records per second at most; null for no limit
   */
  public TransactionalHandover(
      Producer<byte[], byte[]> producer, String resumeGroup, RateLimiter rate, Clock clock) {
    this.producer = producer;
    this.resumeGroup = resumeGroup;
    this.rate = rate;
    this.clock = clock;
    // Fences an earlier producer with the same transactional id and aborts what it left open.
    producer.initTransactions();
  }

  @Override
  public void send(ProducerRecord<byte[], byte[]> tierRecord) {
    if (rate != null) {
      while (!rate.acquirePermission()) {
        // acquirePermission waits up to the limiter's timeout; a slow rate may need several.
        commitIfDue();
      }
    }
    begin();
    producer.send(tierRecord);
    batch++;
  }

  @Override
  public void examined(TopicPartition partition, long nextOffset) {
    if (resumeGroup != null) {
      begin();
      offsets.put(partition, new OffsetAndMetadata(nextOffset));
    }
  }

  @Override
  public void commitIfDue() {
    if (open
        && (batch >= MAX_BATCH
            || Duration.between(openedAt, clock.instant()).compareTo(MAX_BATCH_AGE) >= 0)) {
      commit();
    }
  }

  @Override
  public void commit() {
    if (!open) {
      return;
    }
    try {
      if (!offsets.isEmpty()) {
        producer.sendOffsetsToTransaction(
            Map.copyOf(offsets), new ConsumerGroupMetadata(resumeGroup));
      }
      producer.commitTransaction();
    } catch (KafkaException e) {
      abort();
      throw e;
    }
    committed += batch;
    batch = 0;
    offsets.clear();
    open = false;
  }

  @Override
  public long committed() {
    return committed;
  }

  private void begin() {
    if (!open) {
      producer.beginTransaction();
      open = true;
      openedAt = clock.instant();
    }
  }

  private void abort() {
    try {
      producer.abortTransaction();
    } catch (KafkaException ignored) {
      // Fenced or broken: the broker aborts the transaction when it times out.
    }
    open = false;
    batch = 0;
    offsets.clear();
  }

  /** Aborts a batch not committed (the run failed part-way), then closes the producer. */
  @Override
  public void close() {
    if (open) {
      abort();
    }
    producer.close(Duration.ofSeconds(10));
  }
}
