package dev.fanout.admin;

import dev.fanout.subscription.Subscription;
import dev.fanout.subscription.SubscriptionCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Moves every stored secret under the first key of {@code FANOUT_SECRET_KEYS}, so an old key can be
 * removed once nothing needs it. A webhook whose secret or previous secret is under another key,
 * stored in the clear or bound to its id only (older releases), or whose record carries no valid
 * MAC while config keys are set, is written again at its next version: its secrets decrypted with
 * whichever configured key reads them and encrypted with the first, bound to its id, space and URL,
 * the record signed; nothing else of it changes. A previous secret whose grace period is over is
 * dropped rather than encrypted again: it signs nothing, and kept it would tie the webhook to a key
 * that is about to go (or, under a key already gone, could not be written again at all). A webhook
 * whose secret, or previous secret in its grace period, cannot be read with any configured key is
 * reported and left as it is.
 */
public final class SecretReencryption {
  /**
   * @param changed webhooks written again (or, on a dry run, that would be)
   * @param unreadable webhook id to why its secret cannot be read; left as they were
   * @param conflicts one line per webhook another writer changed meanwhile; not changed
   */
  public record Report(
      List<String> changed, Map<String, String> unreadable, List<String> conflicts) {
    public boolean clean() {
      return unreadable.isEmpty() && conflicts.isEmpty();
    }
  }

  private final Webhooks webhooks;

  public SecretReencryption(Webhooks webhooks) {
    this.webhooks = webhooks;
  }

  /**
   * @throws AdminFailure when no key is configured, so there is nothing to encrypt under
   */
  public Report run(boolean dryRun) {
    String currentKey = currentKeyId();
    List<String> changed = new ArrayList<>();
    Map<String, String> unreadable = new LinkedHashMap<>();
    Map<String, byte[]> writes = new LinkedHashMap<>();
    List<Subscription> all =
        webhooks.all().stream().sorted(Comparator.comparing(Subscription::id)).toList();
    Instant now = webhooks.now();
    for (Subscription stored : all) {
      Subscription s = stored.withoutExpiredPreviousSecret(now);
      if (s.storedSecretProblem() != null) {
        unreadable.put(s.id(), s.storedSecretProblem());
        continue;
      }
      boolean expiredDropped = s != stored;
      List<String> keys = SubscriptionCodec.secretKeyIds(s.source());
      boolean underCurrentKey = keys.stream().allMatch(k -> Objects.equals(k, currentKey));
      if (!expiredDropped && underCurrentKey && webhooks.codec().notices(s).isEmpty()) {
        continue;
      }
      changed.add(s.id());
      if (!dryRun) {
        writes.put(
            s.id(), webhooks.encode(s, SubscriptionCodec.version(s.source()) + 1, null).value());
      }
    }
    Map<String, String> conflicts = writes.isEmpty() ? Map.of() : webhooks.writeAll(writes);
    List<String> done = changed.stream().filter(id -> !conflicts.containsKey(id)).toList();
    return new Report(done, unreadable, List.copyOf(conflicts.values()));
  }

  private String currentKeyId() {
    String keyId = webhooks.codec().encryptingKeyId();
    if (keyId == null) {
      throw new AdminFailure(
          "FANOUT_SECRET_KEYS holds no key: there is no key to re-encrypt secrets under");
    }
    return keyId;
  }
}
