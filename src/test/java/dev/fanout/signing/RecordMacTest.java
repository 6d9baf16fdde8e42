package dev.fanout.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class RecordMacTest {
  private static final byte[] KEY_ONE = key(1);
  private static final byte[] KEY_TWO = key(2);
  private static final byte[] DATA = "{\"id\":\"wh_1\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void signsWithTheFirstKeyAsHmacSha256() throws Exception {
    RecordMac keys = RecordMac.parse("c1:" + b64(KEY_ONE) + ",c2:" + b64(KEY_TWO));

    RecordMac.Tag tag = keys.sign(DATA);

    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(KEY_ONE, "HmacSHA256"));
    assertThat(tag).isEqualTo(new RecordMac.Tag("c1", b64(mac.doFinal(DATA))));
    assertThat(keys.problem(tag, DATA)).isNull();
  }

  @Test
  void everyConfiguredKeyVerifiesSoKeysCanRotate() {
    RecordMac.Tag old = RecordMac.parse("c1:" + b64(KEY_ONE)).sign(DATA);
    RecordMac rotated = RecordMac.parse("c2:" + b64(KEY_TWO) + ",c1:" + b64(KEY_ONE));

    assertThat(rotated.problem(old, DATA)).isNull();
    assertThat(rotated.sign(DATA).keyId()).isEqualTo("c2");
  }

  @Test
  void refusesAChangedRecordAnUnknownKeyAndGarbage() {
    RecordMac keys = RecordMac.parse("c1:" + b64(KEY_ONE));
    RecordMac.Tag tag = keys.sign(DATA);

    assertThat(keys.problem(tag, "{\"id\":\"wh_2\"}".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("MAC does not match the record (key c1)");
    assertThat(keys.problem(new RecordMac.Tag("c9", tag.value()), DATA))
        .isEqualTo("MAC key id 'c9' is not configured in FANOUT_CONFIG_KEYS");
    assertThat(keys.problem(new RecordMac.Tag("c1", "not*base64"), DATA))
        .isEqualTo("MAC is not base64");
    assertThat(RecordMac.parse("c1:" + b64(KEY_TWO)).problem(tag, DATA))
        .isEqualTo("MAC does not match the record (key c1)");
  }

  @Test
  void keysAreParsedLikeSecretKeysWithoutEchoingMaterial() {
    String shortKey = b64(new byte[16]);

    assertThatThrownBy(() -> RecordMac.parse("c1:" + b64(KEY_ONE) + ",c2:" + shortKey + ",x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "FANOUT_CONFIG_KEYS: entry 2 has a key of 16 bytes, not 32; entry 3 is not <key"
                + " id>:<base64 key>")
        .hasMessageNotContaining(b64(KEY_ONE));
    assertThat(RecordMac.parse("").canSign()).isFalse();
    assertThat(RecordMac.parse(null).canSign()).isFalse();
    assertThat(RecordMac.parse("c1:" + b64(KEY_ONE)).toString())
        .contains("c1")
        .doesNotContain(b64(KEY_ONE));
    assertThatThrownBy(() -> RecordMac.none().sign(DATA))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("FANOUT_CONFIG_KEYS");
  }

  private static byte[] key(int seed) {
    byte[] key = new byte[32];
    for (int i = 0; i < key.length; i++) {
      key[i] = (byte) (seed * 17 + i);
    }
    return key;
  }

  private static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
