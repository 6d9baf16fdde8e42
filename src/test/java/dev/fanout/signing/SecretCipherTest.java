package dev.fanout.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class SecretCipherTest {
  private static final String KEY_ONE = base64Key(1);
  private static final String KEY_TWO = base64Key(2);
  private static final SigningSecret SECRET = new SigningSecret("hunter2-webhook-secret");

  @Test
  void decryptsWhatItEncrypted() {
    SecretCipher cipher = SecretCipher.parse("k1:" + KEY_ONE);

    SecretCipher.Encrypted encrypted = cipher.encrypt(SECRET, "wh_1");

    assertThat(encrypted.keyId()).isEqualTo("k1");
    assertThat(encrypted.ciphertext()).doesNotContain("hunter2");
    assertThat(cipher.decrypt(encrypted, "wh_1").reveal()).isEqualTo("hunter2-webhook-secret");
  }

  @Test
  void encryptingTwiceGivesDifferentCiphertexts() {
    SecretCipher cipher = SecretCipher.parse("k1:" + KEY_ONE);

    assertThat(cipher.encrypt(SECRET, "wh_1").ciphertext())
        .isNotEqualTo(cipher.encrypt(SECRET, "wh_1").ciphertext());
  }

  @Test
  void ciphertextDoesNotDecryptForAnotherWebhook() {
    SecretCipher cipher = SecretCipher.parse("k1:" + KEY_ONE);
    SecretCipher.Encrypted encrypted = cipher.encrypt(SECRET, "wh_1");

    assertThatThrownBy(() -> cipher.decrypt(encrypted, "wh_2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not decrypt")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void unknownKeyIdFailsNamingTheKeyId() {
    SecretCipher cipher = SecretCipher.parse("k1:" + KEY_ONE);
    SecretCipher.Encrypted encrypted = cipher.encrypt(SECRET, "wh_1");

    assertThatThrownBy(
            () -> cipher.decrypt(new SecretCipher.Encrypted("k9", encrypted.ciphertext()), "wh_1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("k9")
        .hasMessageContaining("not known");
  }

  @Test
  void ciphertextUnderOneKeyDoesNotDecryptUnderAnotherKeyWithTheSameId() {
    SecretCipher.Encrypted encrypted = SecretCipher.parse("k1:" + KEY_ONE).encrypt(SECRET, "wh_1");
    SecretCipher otherKeyNamedK1 = SecretCipher.parse("k1:" + KEY_TWO);

    assertThatThrownBy(() -> otherKeyNamedK1.decrypt(encrypted, "wh_1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void tamperedCiphertextDoesNotDecrypt() {
    SecretCipher cipher = SecretCipher.parse("k1:" + KEY_ONE);
    SecretCipher.Encrypted encrypted = cipher.encrypt(SECRET, "wh_1");
    byte[] raw = Base64.getDecoder().decode(encrypted.ciphertext());
    raw[raw.length - 1] ^= 1;
    SecretCipher.Encrypted tampered =
        new SecretCipher.Encrypted("k1", Base64.getEncoder().encodeToString(raw));

    assertThatThrownBy(() -> cipher.decrypt(tampered, "wh_1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void tooShortCiphertextIsRefused() {
    SecretCipher cipher = SecretCipher.parse("k1:" + KEY_ONE);
    SecretCipher.Encrypted tiny =
        new SecretCipher.Encrypted("k1", Base64.getEncoder().encodeToString(new byte[5]));

    assertThatThrownBy(() -> cipher.decrypt(tiny, "wh_1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too short");
  }

  @Test
  void newFirstKeyEncryptsWhileOldKeyStillDecryptsOldRecords() {
    SecretCipher.Encrypted old = SecretCipher.parse("k1:" + KEY_ONE).encrypt(SECRET, "wh_1");
    SecretCipher rotated = SecretCipher.parse("k2:" + KEY_TWO + ",k1:" + KEY_ONE);

    assertThat(rotated.decrypt(old, "wh_1").reveal()).isEqualTo("hunter2-webhook-secret");
    SecretCipher.Encrypted fresh = rotated.encrypt(SECRET, "wh_1");
    assertThat(fresh.keyId()).isEqualTo("k2");
    assertThat(rotated.decrypt(fresh, "wh_1").reveal()).isEqualTo("hunter2-webhook-secret");
  }

  @Test
  void blankSpecMeansNoEncryption() {
    assertThat(SecretCipher.parse("").canEncrypt()).isFalse();
    assertThat(SecretCipher.parse(null).canEncrypt()).isFalse();
    assertThatThrownBy(() -> SecretCipher.none().encrypt(SECRET, "wh_1"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("FANOUT_SECRET_KEYS");
  }

  @Test
  void keyOfWrongLengthIsReportedWithoutItsMaterial() {
    String shortKey = Base64.getEncoder().encodeToString(new byte[16]);

    assertThatThrownBy(() -> SecretCipher.parse("k1:" + shortKey))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FANOUT_SECRET_KEYS")
        .hasMessageContaining("entry 1")
        .hasMessageContaining("16 bytes")
        .hasMessageNotContaining(shortKey);
  }

  @Test
  void keyThatIsNotBase64IsReportedWithoutItsMaterial() {
    assertThatThrownBy(() -> SecretCipher.parse("k1:sup3r$ecret!material"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("entry 1")
        .hasMessageContaining("not base64")
        .hasMessageNotContaining("sup3r")
        .hasMessageNotContaining("material");
  }

  @Test
  void entryWithoutKeyIdIsReportedWithoutItsMaterial() {
    assertThatThrownBy(() -> SecretCipher.parse(KEY_ONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("<key id>:<base64 key>")
        .hasMessageNotContaining(KEY_ONE)
        .hasMessageNotContaining(KEY_ONE.substring(0, 12));
  }

  @Test
  void everyMalformedEntryIsReportedTogether() {
    String shortKey = Base64.getEncoder().encodeToString(new byte[8]);

    assertThatThrownBy(
            () ->
                SecretCipher.parse(
                    "k1:" + KEY_ONE + ",k2:" + shortKey + ",k3:not*base64,justmaterial"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("entry 2 has a key of 8 bytes, not 32")
        .hasMessageContaining("entry 3 has a key that is not base64")
        .hasMessageContaining("entry 4 is not <key id>:<base64 key>")
        .hasMessageNotContaining(KEY_ONE)
        .hasMessageNotContaining(shortKey)
        .hasMessageNotContaining("justmaterial");
  }

  @Test
  void entryWithKeyAndIdSwappedIsReportedWithoutItsMaterial() {
    assertThatThrownBy(() -> SecretCipher.parse(KEY_ONE + ":k1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("entry 1")
        .hasMessageNotContaining(KEY_ONE)
        .hasMessageNotContaining(KEY_ONE.substring(0, 12));
  }

  @Test
  void repeatedKeyIdIsReportedByPosition() {
    String other = base64Key(2);

    assertThatThrownBy(() -> SecretCipher.parse("k1:" + KEY_ONE + ",k1:" + other))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("entry 2 repeats a key id")
        .hasMessageNotContaining(KEY_ONE)
        .hasMessageNotContaining(other);
  }

  @Test
  void toStringShowsKeyIdsButNoKeyMaterial() {
    SecretCipher cipher = SecretCipher.parse("k1:" + KEY_ONE);

    assertThat(cipher.toString()).contains("k1").doesNotContain(KEY_ONE);
  }

  private static String base64Key(int seed) {
    byte[] key = new byte[32];
    for (int i = 0; i < key.length; i++) {
      key[i] = (byte) (seed * 31 + i * 7);
    }
    return Base64.getEncoder().encodeToString(key);
  }
}
