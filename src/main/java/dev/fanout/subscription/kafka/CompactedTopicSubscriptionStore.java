package dev.fanout.subscription.kafka;

import dev.fanout.kafka.FanoutHeaders;
import dev.fanout.subscription.InvalidSubscriptionException;
import dev.fanout.subscription.Subscription;
import dev.fanout.subscription.SubscriptionCodec;
import dev.fanout.subscription.SubscriptionIndex;
import dev.fanout.subscription.SubscriptionWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link SubscriptionIndex} equal to the compacted config topic. Every instance reads all
 * partitions from the beginning, without a consumer group, so each holds the full table.
 *
 * <p>Start-up reads to the end offsets taken when reading began, then reports itself caught up; the
 * worker consumes events only after that, so no event is matched against a half-loaded table. It
 * then follows the topic live: a new value adds or replaces, a null value (tombstone) deletes. A
 * record that fails validation is skipped with a log line and counted; it never stops the reader,
 * and it leaves the previous version of that webhook in place. A well-formed record whose secret
 * cannot be read is kept, and fails closed: see {@link #unreadableSecrets}. A record refused by the
 * codec's security policy (no valid MAC while one is required, a secret too weak to sign with) is
 * skipped the same way, its kind reported to the listener. A record accepted although weakly
 * protected (a secret in the clear, or bound to the webhook id only; no valid MAC while keys are
 * set) gets one warning per webhook, never showing the secret.
 *
 * <p>Changes are compare-and-set. A record carries a version one above the version it was made from
 * ({@link SubscriptionCodec#version}); a record that does not advance the version of the one it
 * would replace, or that follows a tombstone, was made from a stale read and is ignored, by every
 * reader alike, since all read the same log in the same order. Compaction keeps only a key's last
 * record, though, which may be such a loser; so the writer of an ignored record (known by its
 * {@code fanout.writer} header) writes the winning state once more, as the key's new last record.
 */
public final class CompactedTopicSubscriptionStore implements Runnable, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CompactedTopicSubscriptionStore.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

  /** Hears about records that could not be used. */
  public interface Listener {
    void rejected(String key, String reason);

    /** A record refused for a reason of {@code kind}; by default reported as any other. */
    default void rejected(String key, InvalidSubscriptionException.Kind kind, String reason) {
      rejected(key, reason);
    }
  }

  /**
   * Webhooks whose record is current and well formed but holds a secret that cannot be read; see
   * {@link #unreadableSecrets} for those of them that cannot be sent to.
   */
  private final Set<String> unreadableSecrets = ConcurrentHashMap.newKeySet();

  /** Webhooks whose current record is accepted with each notice; warned about once on entry. */
  private final Map<SubscriptionCodec.Notice, Set<String>> noticed =
      new EnumMap<>(SubscriptionCodec.Notice.class);

  /** The version of each key's applied record; a deleted key's is {@link #DELETED}. */
  private final Map<String, Long> versions = new HashMap<>();

  private static final long DELETED = Long.MAX_VALUE;
  private final String writerId;
  private final SubscriptionWriter repairs;

  private final Consumer<byte[], byte[]> consumer;
  private final String topic;
  private final SubscriptionCodec codec;
  private final SubscriptionIndex index;
  private final Listener listener;
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile RuntimeException failure;
  private static final long NOT_BEHIND = Long.MIN_VALUE;
  // When the table last fell behind its topic (System.nanoTime), or NOT_BEHIND.
  private volatile long behindSinceNanos = NOT_BEHIND;

  public CompactedTopicSubscriptionStore(
      Consumer<byte[], byte[]> consumer,
      String topic,
      SubscriptionCodec codec,
      SubscriptionIndex index,
      Listener listener) {
    this(consumer, topic, codec, index, listener, null, null);
  }

  /**
   * @param writerId the {@code fanout.writer} of this process's own writes
   * @param repairs where to write the winning state again when an own write was ignored
   */
  public CompactedTopicSubscriptionStore(
      Consumer<byte[], byte[]> consumer,
      String topic,
      SubscriptionCodec codec,
      SubscriptionIndex index,
      Listener listener,
      String writerId,
      SubscriptionWriter repairs) {
    this.consumer = consumer;
    this.topic = topic;
    this.codec = codec;
    this.index = index;
    this.listener = listener;
    this.writerId = writerId;
    this.repairs = repairs;
    for (SubscriptionCodec.Notice notice : SubscriptionCodec.Notice.values()) {
      noticed.put(notice, ConcurrentHashMap.newKeySet());
    }
  }

  public SubscriptionIndex index() {
    return index;
  }

  /** Whether the reader stopped on an error (it then no longer follows the topic). */
  public boolean failed() {
    return failure != null;
  }

  /**
   * Enabled webhooks that cannot be signed for at {@code now}: their secret, or their previous
   * secret while its grace period lasts, cannot be read with the keys configured (a key removed, a
   * plain secret while encryption is required). They fail closed: their tasks are dead-lettered. A
   * previous secret whose grace period is over signs nothing and does not count, nor does a
   * disabled webhook, which is sent nothing.
   */
  public int unreadableSecrets(Instant now) {
    int count = 0;
    for (String id : unreadableSecrets) {
      Subscription s = index.get(id).orElse(null);
      if (s != null && s.enabled() && s.secretProblem(now) != null) {
        count++;
      }
    }
    return count;
  }

  private static void warnUnreadable(Subscription s, String problem) {
    if (s.secret() != null && s.secret().problem() != null) {
      log.error(
          "webhook {}: its secret cannot be read ({}); its deliveries are dead-lettered as"
              + " secret_unavailable until the key is configured again",
          s.id(),
          problem);
    } else if (s.previousSecretExpiresAt() == null) {
      log.warn(
          "webhook {}: its previous secret cannot be read ({}); with no end of grace it signs"
              + " nothing, and is ignored",
          s.id(),
          problem);
    } else {
      log.warn(
          "webhook {}: its previous secret cannot be read ({}); until its grace period ends ({})"
              + " its deliveries are dead-lettered as secret_unavailable, unless the key is"
              + " configured again; after that it signs nothing and is ignored",
          s.id(),
          problem,
          s.previousSecretExpiresAt());
    }
  }

  /** Webhooks in use whose secret is stored in the clear (plaintext secrets allowed). */
  public int plaintextSecrets() {
    return noticed.get(SubscriptionCodec.Notice.PLAINTEXT_SECRET).size();
  }

  /** Webhooks in use whose secret is bound to the webhook id only (legacy binding accepted). */
  public int legacyBoundSecrets() {
    return noticed.get(SubscriptionCodec.Notice.LEGACY_SECRET_BINDING).size();
  }

  public boolean isCaughtUp() {
    return caughtUp.getCount() == 0;
  }

  /**
   * Waits until the table holds everything written before reading began.
   *
   * @throws IllegalStateException when the reader failed (for example, the topic does not exist)
   */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    boolean done = caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (failure != null) {
      throw new IllegalStateException(failure.getMessage(), failure);
    }
    return done;
  }

  /**
   * Whether the table has been behind its topic (records written and not yet read) for longer than
   * {@code tolerance}: the worker would deliver by a table that no longer holds.
   */
  public boolean behindLongerThan(Duration tolerance) {
    long since = behindSinceNanos;
    return since != NOT_BEHIND && System.nanoTime() - since > tolerance.toNanos();
  }

  /** Records how far behind the last poll left the table; a negative lag is unknown. */
  void observeLag(long lag, long nowNanos) {
    if (lag == 0) {
      behindSinceNanos = NOT_BEHIND;
    } else if (lag > 0 && behindSinceNanos == NOT_BEHIND) {
      behindSinceNanos = nowNanos;
    }
  }

  /** Records not yet read, from the client's last fetch; -1 when it does not know. */
  private long lag(List<TopicPartition> partitions) {
    long total = 0;
    for (TopicPartition partition : partitions) {
      OptionalLong lag = consumer.currentLag(partition);
      if (lag.isEmpty()) {
        return -1;
      }
      total += lag.getAsLong();
    }
    return total;
  }

  @Override
  public void run() {
    try {
      List<TopicPartition> partitions = partitions();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (running) {
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = consumer.poll(POLL_TIMEOUT);
        } catch (WakeupException e) {
          continue;
        }
        records.forEach(this::apply);
        if (!isCaughtUp() && reached(end)) {
          log.info("subscription table loaded: {} webhooks from {}", index.size(), topic);
          caughtUp.countDown();
        }
        if (isCaughtUp()) {
          observeLag(lag(partitions), System.nanoTime());
        }
      }
    } catch (RuntimeException e) {
      failure = e;
      log.error("subscription reader stopped: {}", e.getMessage());
      caughtUp.countDown();
    } finally {
      consumer.close(Duration.ofSeconds(5));
      stopped.countDown();
    }
  }

  /** Reads the topic to its current end on the calling thread, then stops (for CLI commands). */
  public void readToEnd() {
    List<TopicPartition> partitions = partitions();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    while (!reached(end)) {
      consumer.poll(POLL_TIMEOUT).forEach(this::apply);
    }
    caughtUp.countDown();
  }

  private List<TopicPartition> partitions() {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
    if (infos == null || infos.isEmpty()) {
      throw new IllegalStateException(
          "config topic " + topic + " does not exist; run `fanout topics create`");
    }
    return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
  }

  private boolean reached(Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private void apply(ConsumerRecord<byte[], byte[]> record) {
    if (record.key() == null) {
      reject("(none)", InvalidSubscriptionException.Kind.INVALID, "record has no key");
      return;
    }
    String id = new String(record.key(), StandardCharsets.UTF_8);
    if (record.value() == null) {
      index.apply(id, null);
      versions.put(id, DELETED);
      unreadableSecrets.remove(id);
      noticed.values().forEach(ids -> ids.remove(id));
      log.info("webhook {} deleted", id);
      return;
    }
    long version = SubscriptionCodec.version(record.value());
    Long current = versions.get(id);
    if (version > 0 && current != null && version <= current) {
      log.warn(
          "ignored config record {} of {}: version {} does not follow {}; it was made from a stale"
              + " read",
          id,
          topic,
          version,
          current == DELETED ? "a deletion" : current);
      if (writerId != null && repairs != null && writerId.equals(writer(record))) {
        repair(id, current);
      }
      return;
    }
    try {
      SubscriptionCodec.Read read = codec.read(id, record.value());
      Subscription subscription = read.subscription();
      index.apply(id, subscription);
      versions.put(id, version);
      warnOnce(id, read);
      String problem = subscription.storedSecretProblem();
      if (problem == null) {
        unreadableSecrets.remove(id);
      } else if (unreadableSecrets.add(id)) {
        warnUnreadable(subscription, problem);
      }
      log.debug("webhook {} loaded (enabled={})", id, subscription.enabled());
    } catch (InvalidSubscriptionException e) {
      reject(id, e.kind(), e.getMessage());
    }
  }

  private void warnOnce(String id, SubscriptionCodec.Read read) {
    for (SubscriptionCodec.Notice notice : SubscriptionCodec.Notice.values()) {
      Set<String> ids = noticed.get(notice);
      if (!read.notices().contains(notice)) {
        ids.remove(id);
      } else if (ids.add(id)) {
        switch (notice) {
          case PLAINTEXT_SECRET ->
              log.warn(
                  "webhook {}: its secret is stored in the clear in {} (allowed by"
                      + " security.allow-plaintext-secrets=true); anyone who can read the topic can"
                      + " sign as Fanout. Set FANOUT_SECRET_KEYS and run fanout secrets reencrypt",
                  id,
                  topic);
          case LEGACY_SECRET_BINDING ->
              log.warn(
                  "webhook {}: its secret is encrypted by an older release, bound to the webhook id"
                      + " only, so a writer of {} without the key could re-point it to another URL"
                      + " and space. Run fanout secrets reencrypt to bind it to its URL and space",
                  id,
                  topic);
          case UNAUTHENTICATED ->
              log.warn(
                  "webhook {}: {}; with security.require-authenticated-config=true this record"
                      + " would be refused. Run fanout secrets reencrypt to sign it",
                  id,
                  read.authenticationProblem());
        }
      }
    }
  }

  /** Writes the state that won over an own, ignored record, so compaction keeps the winner. */
  private void repair(String id, long current) {
    CompletableFuture<Void> write =
        current == DELETED
            ? repairs.delete(id)
            : index
                .get(id)
                .map(s -> repairs.put(id, codec.withVersion(s.source(), current + 1)))
                .orElse(CompletableFuture.completedFuture(null));
    write.whenComplete(
        (ok, e) -> {
          if (e != null) {
            log.error("could not write webhook {} again after a lost change: {}", id, e.toString());
          }
        });
  }

  private static String writer(ConsumerRecord<byte[], byte[]> record) {
    Header header = record.headers().lastHeader(FanoutHeaders.WRITER);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private void reject(String key, InvalidSubscriptionException.Kind kind, String reason) {
    log.warn(
        "skipped config record {} of {}: {}",
        key.length() > 64 ? key.substring(0, 64) + "..." : key,
        topic,
        reason);
    listener.rejected(key, kind, reason);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    stopped.await(10, TimeUnit.SECONDS);
  }
}
