package dev.fanout.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanout.signing.SecretCipher;
import dev.fanout.signing.SigningSecret;
import dev.fanout.subscription.InvalidSubscriptionException.Kind;
import java.util.Set;

/**
 * Reads the {@code secret} and {@code previous_secret} fields of a record by the rules of a {@link
 * SubscriptionCodec.Policy}:
 *
 * <pre>
 *   "s3cret..."                                          in the clear: used only if allowed
 *   {"key_id": "k1", "ciphertext": "...", "aad": 2}      bound to id, space and URL
 *   {"key_id": "k1", "ciphertext": "..."}                an older release's, bound to the id only:
 *                                                        used only while legacy binding is accepted
 * </pre>
 *
 * A secret that is well formed but may not or cannot be used is {@link SigningSecret#unavailable}:
 * its webhook fails closed. A secret too weak to sign with makes the record invalid.
 */
final class StoredSecrets {
  private final SecretCipher cipher;
  private final SubscriptionCodec.Policy policy;

  StoredSecrets(SecretCipher cipher, SubscriptionCodec.Policy policy) {
    this.cipher = cipher;
    this.policy = policy;
  }

  /**
   * @param notices collects how weakly a usable secret is stored
   * @return null when the field is absent
   */
  SigningSecret read(
      JsonNode node,
      String field,
      SecretCipher.Binding binding,
      Set<SubscriptionCodec.Notice> notices)
      throws InvalidSubscriptionException {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isTextual()) {
      if (node.textValue().isEmpty()) {
        throw new InvalidSubscriptionException(field + " is empty");
      }
      requireStrong(node.textValue(), field);
      if (!policy.allowPlaintextSecrets()) {
        return SigningSecret.unavailable(
            field
                + " is stored in the clear and security.allow-plaintext-secrets=false; write it"
                + " again with a key in "
                + SecretCipher.KEYS_VARIABLE);
      }
      notices.add(SubscriptionCodec.Notice.PLAINTEXT_SECRET);
      return new SigningSecret(node.textValue());
    }
    if (!node.isObject()) {
      throw new InvalidSubscriptionException(
          field + " is neither a string nor {key_id, ciphertext}");
    }
    String keyId = text(node, "key_id", field);
    String ciphertext = text(node, "ciphertext", field);
    SecretCipher.Encrypted encrypted = new SecretCipher.Encrypted(keyId, ciphertext);
    JsonNode aad = node.get("aad");
    SigningSecret secret;
    try {
      if (aad == null || aad.isNull()) {
        if (!policy.acceptLegacySecretBinding()) {
          return SigningSecret.unavailable(
              field
                  + " is bound to the webhook id only (an older release wrote it) and"
                  + " security.accept-legacy-secret-binding=false; run fanout secrets reencrypt");
        }
        secret = cipher.decryptBoundToIdOnly(encrypted, binding.webhookId());
        notices.add(SubscriptionCodec.Notice.LEGACY_SECRET_BINDING);
      } else if (!aad.isIntegralNumber()) {
        throw new InvalidSubscriptionException(field + ".aad is not a whole number");
      } else if (aad.asLong() != SecretCipher.BINDING_VERSION) {
        return SigningSecret.unavailable(
            field + ".aad " + aad.asLong() + " is not a binding this release knows");
      } else {
        secret = cipher.decrypt(encrypted, binding);
      }
    } catch (IllegalArgumentException e) {
      // Well formed, but not readable with the keys configured now, or bound to another webhook,
      // space or URL: the webhook fails closed.
      return SigningSecret.unavailable(field + ": " + e.getMessage());
    }
    requireStrong(secret.reveal(), field);
    return secret;
  }

  private static void requireStrong(String secret, String field)
      throws InvalidSubscriptionException {
    String weakness = SigningSecret.weakness(secret);
    if (weakness != null) {
      throw new InvalidSubscriptionException(
          Kind.WEAK_SECRET, field + " cannot be signed with safely: " + weakness);
    }
  }

  private static String text(JsonNode node, String name, String field)
      throws InvalidSubscriptionException {
    JsonNode value = node.get(name);
    if (value == null || !value.isTextual() || value.textValue().isBlank()) {
      throw new InvalidSubscriptionException(field + "." + name + " must be a non-empty string");
    }
    return value.textValue();
  }
}
