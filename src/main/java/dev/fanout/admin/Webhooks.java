package dev.fanout.admin;

import dev.fanout.signing.SigningSecret;
import dev.fanout.subscription.InvalidSubscriptionException;
import dev.fanout.subscription.Subscription;
import dev.fanout.subscription.SubscriptionCodec;
import dev.fanout.subscription.SubscriptionIndex;
import dev.fanout.subscription.SubscriptionRefusedException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The operator's side of the subscription table: what the operator commands read and write, so that
 * every command validates and writes a webhook the same way. Every write of an existing webhook is
 * compare-and-set:
 *
 * <pre>
 *   read the table ─► webhook at version N ─► change ─► encode at N+1 ─► decode it as the worker
 *   will (refuse if it would not take it) ─► write ─► read the table again ─► is the record in
 *   force ours?  yes: done
 *                no:  another writer won; write the winner again, so that compaction cannot leave
 *                     our losing record as the key's last one, and fail
 * </pre>
 *
 * A record that does not advance the version it replaces is ignored by every reader (see {@link
 * SubscriptionCodec#version}), so of two changes made from the same read exactly one takes effect,
 * and its writer is the only one told so. Not thread-safe: one command uses it.
 */
public final class Webhooks implements AutoCloseable {
  /** Runs between the read and the write of a change; tests make a competing write land there. */
  interface WriteHook {
    void beforeWrite(String id);
  }

  private final ConfigTopic topic;
  private final SubscriptionCodec codec;
  private final Clock clock;
  private final WriteHook hook;

  public Webhooks(ConfigTopic topic, SubscriptionCodec codec, Clock clock) {
    this(topic, codec, clock, id -> {});
  }

  Webhooks(ConfigTopic topic, SubscriptionCodec codec, Clock clock, WriteHook hook) {
    this.topic = topic;
    this.codec = codec;
    this.clock = clock;
    this.hook = hook;
  }

  public Collection<Subscription> all() {
    return topic.read().all();
  }

  /**
   * @throws AdminFailure when there is no webhook with this id
   */
  public Subscription get(String id) {
    return topic.read().get(id).orElseThrow(() -> new AdminFailure("no webhook " + id));
  }

  /** Registers a new webhook at version 1; its secret, if any, is dated now. */
  public Subscription add(Subscription webhook) {
    Encoded record = encode(webhook, 1, webhook.secret() == null ? null : clock.instant());
    topic.write(webhook.id(), record.value());
    return record.decoded();
  }

  /**
   * Writes {@code edit} of the webhook as it is now, at the next version. A previous secret whose
   * grace period is over is left out: it signs nothing any more, and the written record no longer
   * carries it (nor can it, unreadable, stand in the way of the change).
   *
   * @throws AdminFailure when there is no such webhook, the result is not a valid webhook, or
   *     another writer changed it between the read and the write
   */
  public Subscription update(String id, UnaryOperator<Subscription> edit) {
    Subscription current = get(id);
    return writeChecked(
        current, edit.apply(current).withoutExpiredPreviousSecret(clock.instant()), null);
  }

  /**
   * {@link #update} of {@code enabled} alone. A webhook whose secret cannot be read can still be
   * disabled (enabling it is refused: it would fail closed): its record is written again as stored,
   * ciphertext and unknown fields included, with only {@code enabled} and the version changed, so
   * nothing needs decrypting. That is how an operator stops its dead letters while the key is gone.
   */
  public Subscription setEnabled(String id, boolean enabled) {
    Subscription current = get(id);
    Subscription next = current.withEnabled(enabled).withoutExpiredPreviousSecret(clock.instant());
    if (enabled || next.storedSecretProblem() == null) {
      return writeChecked(current, next, null);
    }
    byte[] value = codec.withEnabled(current, false);
    Map<String, String> lost = writeAll(Map.of(id, value));
    if (!lost.isEmpty()) {
      throw new AdminFailure(lost.get(id));
    }
    try {
      return codec.decode(id, value);
    } catch (InvalidSubscriptionException e) {
      throw new AdminFailure("webhook " + id + " would not be valid: " + e.getMessage());
    }
  }

  /**
   * Gives the webhook a new secret and keeps its current one valid for {@code grace}.
   *
   * @see SecretRotation
   */
  public Subscription rotateSecret(String id, SigningSecret next, Duration grace) {
    Subscription current = get(id);
    Instant now = clock.instant();
    return writeChecked(current, SecretRotation.rotate(current, next, grace, now), now);
  }

  /**
   * Writes a tombstone; compaction then removes the webhook for good. An id whose record the
   * workers refuse (invalid, unauthenticated, a weak secret) is not in the table, but can be
   * deleted all the same: that is how such a record is got rid of.
   *
   * @throws AdminFailure when the topic has no record under this id
   */
  public void delete(String id) {
    Set<String> refused = new HashSet<>();
    if (topic.read(refused::add).get(id).isEmpty() && !refused.contains(id)) {
      throw new AdminFailure("no webhook " + id);
    }
    topic.write(id, null);
  }

  /** The changed webhook, compare-and-set; see the class comment. */
  private Subscription writeChecked(Subscription current, Subscription next, Instant secretAt) {
    if (!next.id().equals(current.id())) {
      throw new IllegalArgumentException("a change cannot give a webhook another id");
    }
    long version = SubscriptionCodec.version(current.source());
    Encoded record = encode(next, version + 1, secretAt);
    Map<String, String> lost = writeAll(Map.of(next.id(), record.value()));
    if (!lost.isEmpty()) {
      throw new AdminFailure(lost.get(next.id()));
    }
    return record.decoded();
  }

  /**
   * Writes records of existing webhooks, then reads the table once to check each is in force.
   *
   * @return webhook id to a one-line message, for each webhook another writer changed meanwhile
   *     (its record was not taken)
   */
  Map<String, String> writeAll(Map<String, byte[]> values) {
    values.keySet().forEach(hook::beforeWrite);
    values.forEach(topic::write);
    SubscriptionIndex after = topic.read();
    Map<String, String> lost = new LinkedHashMap<>();
    Map<String, byte[]> repairs = new LinkedHashMap<>();
    values.forEach(
        (id, value) -> {
          Subscription now = after.get(id).orElse(null);
          if (now != null && Arrays.equals(now.source(), value)) {
            return;
          }
          if (now == null) {
            lost.put(id, "webhook " + id + " was deleted meanwhile; nothing was changed");
            repairs.put(id, null);
          } else {
            long winner = SubscriptionCodec.version(now.source());
            lost.put(
                id,
                "webhook " + id + " changed meanwhile (version " + winner + "); re-read and retry");
            repairs.put(id, codec.withVersion(now.source(), winner + 1));
          }
        });
    repairs.forEach(topic::write);
    return lost;
  }

  /** A record as written, and the webhook the worker will read from it. */
  record Encoded(byte[] value, Subscription decoded) {}

  /**
   * The record of {@code webhook} at {@code version}, refused unless the worker would take it as it
   * is.
   */
  Encoded encode(Subscription webhook, long version, Instant secretCreatedAt) {
    if (webhook.storedSecretProblem() != null) {
      throw AdminFailure.unreadableSecret(
          webhook.id(),
          webhook.storedSecretProblem(),
          "so it cannot be written again; configure its key, or replace the secret with"
              + " rotate-secret --grace 0s");
    }
    byte[] value;
    try {
      value = codec.encode(webhook, version, secretCreatedAt);
    } catch (SubscriptionRefusedException e) {
      throw e; // the operator's input (a weak secret, one that would be stored in the clear)
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw new AdminFailure("webhook " + webhook.id() + ": " + e.getMessage());
    }
    return new Encoded(value, decode(webhook.id(), value));
  }

  private Subscription decode(String id, byte[] value) {
    Subscription decoded;
    try {
      decoded = codec.decode(id, value);
    } catch (InvalidSubscriptionException e) {
      throw new AdminFailure("webhook " + id + " would not be valid: " + e.getMessage());
    }
    if (decoded.storedSecretProblem() != null) {
      throw new AdminFailure(
          "webhook " + id + " would not be usable: " + decoded.storedSecretProblem());
    }
    return decoded;
  }

  SubscriptionCodec codec() {
    return codec;
  }

  /** The time edits are made at: what decides whether a previous secret's grace period is over. */
  Instant now() {
    return clock.instant();
  }

  @Override
  public void close() {
    topic.close();
  }
}
