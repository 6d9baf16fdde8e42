package dev.fanout.subscription;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fanout.signing.RecordMac;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The MAC of a config record, in its {@code mac} field:
 *
 * <pre>
 * "mac": {"key_id": "c1", "hmac_sha256": "&lt;base64&gt;"}
 * </pre>
 *
 * It covers {@value #DOMAIN} followed by the record's canonical form: the record without {@code
 * mac}, object fields sorted by name at every depth, no white space, as Jackson writes JSON. The
 * reader computes it from the tree it goes on to decode, so what is verified is what is used.
 */
final class ConfigRecordMac {
  static final String FIELD = "mac";
  static final String DOMAIN = "fanout.config.v1\n";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ConfigRecordMac() {}

  /** Replaces any {@code mac} of {@code root} by one made with the first key. */
  static void seal(ObjectNode root, RecordMac keys) {
    root.remove(FIELD);
    RecordMac.Tag tag = keys.sign(canonical(root));
    ObjectNode node = root.putObject(FIELD);
    node.put("key_id", tag.keyId());
    node.put("hmac_sha256", tag.value());
  }

  /** Null when {@code root} carries a valid MAC under a configured key; otherwise why not. */
  static String problem(ObjectNode root, RecordMac keys) {
    JsonNode mac = root.get(FIELD);
    if (mac == null || mac.isNull()) {
      return "record carries no MAC";
    }
    JsonNode keyId = mac.get("key_id");
    JsonNode value = mac.get("hmac_sha256");
    if (!mac.isObject()
        || keyId == null
        || !keyId.isTextual()
        || value == null
        || !value.isTextual()) {
      return "mac is not {key_id, hmac_sha256}";
    }
    if (!keys.canSign()) {
      return "no key in " + RecordMac.KEYS_VARIABLE + " to verify its MAC with";
    }
    ObjectNode unsigned = root.deepCopy();
    unsigned.remove(FIELD);
    return keys.problem(
        new RecordMac.Tag(keyId.textValue(), value.textValue()), canonical(unsigned));
  }

  static byte[] canonical(ObjectNode root) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(DOMAIN.getBytes(StandardCharsets.UTF_8));
      out.writeBytes(JSON.writeValueAsBytes(sorted(root)));
      return out.toByteArray();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  private static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      List<String> names = new ArrayList<>();
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        names.add(it.next());
      }
      names.sort(null);
      ObjectNode out = JSON.createObjectNode();
      for (String name : names) {
        out.set(name, sorted(node.get(name)));
      }
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JSON.createArrayNode();
      node.forEach(item -> out.add(sorted(item)));
      return out;
    }
    return node;
  }
}
