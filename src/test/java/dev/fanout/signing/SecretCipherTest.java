package dev.fanout.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretCipherTest {
  private static final String KEY_ONE = base64Key(1);
  private static final String KEY_TWO = base64Key(2);
  private static final SigningSecret SECRET = new SigningSecret("hunter2-webhook-secret");
  private static final SecretCipher.Binding WH_1 =
      new SecretCipher.Binding("wh_1", "space_1", "https://hooks.example.com/a");
  private static final SecretCipher.Binding WH_2 =
      new SecretCipher.Binding("wh_2", "space_1", "https://hooks.example.com/a");

  @Test
  void decryptsWhatItEncrypted() {
    SecretCipher cipher = SecretCipher.parse("k1:" + KEY_ONE);

    SecretCipher.Encrypted encrypted = cipher.encrypt(SECRET, WH_1);

    assertThat(encrypted.keyId()).isEqualTo("k1");
    assertThat(encrypted.ciphertext()).doesNotContain("hunter2");
    assertThat(cipher.decrypt(encrypted, WH_1).reveal()).isEqualTo("hunter2-webhook-secret");
  }

  @Test
  void encryptingTwiceGivesDifferentCiphertexts() {
    SecretCipher cipher = SecretCipher.parse("k1:" + KEY_ONE);

    assertThat(cipher.encrypt(SECRET, WH_1).ciphertext())
        .isNotEqualTo(cipher.encrypt(SECRET, WH_1).ciphertext());
  }

  @Test
  void ciphertextDoesNotDecryptForAnotherWebhook() {
    SecretCipher cipher = SecretCipher.parse("k1:" + KEY_ONE);
    SecretCipher.Encrypted encrypted = cipher.encrypt(SECRET, WH_1);

    assertThatThrownBy(() -> cipher.decrypt(encrypted, WH_2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not decrypt")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void ciphertextDoesNotDecryptOnceTheUrlOrSpaceChanged() {
    SecretCipher cipher = SecretCipher.parse("k1:" + KEY_ONE);
    SecretCipher.Encrypted encrypted = cipher.encrypt(SECRET, WH_1);

    for (SecretCipher.Binding forged :
        List.of(
            new SecretCipher.Binding("wh_1", "space_1", "https://attacker.example/a"),
            new SecretCipher.Binding("wh_1", "space_9", "https://hooks.example.com/a"))) {
      assertThatThrownBy(() -> cipher.decrypt(encrypted, forged))
          .as(forged.toString())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("does not decrypt with key k1")
          .hasMessageNotContaining("hunter2");
    }
  }

  @Test
  void bindingFieldsAreLengthPrefixedSoShiftingCharactersBetweenThemDoesNotDecrypt() {
    SecretCipher cipher = SecretCipher.parse("k1:" + KEY_ONE);
    SecretCipher.Encrypted encrypted =
        cipher.encrypt(SECRET, new SecretCipher.Binding("wh_1", "space_1x", "https://h.example/"));

    assertThatThrownBy(
            () ->
                cipher.decrypt(
                    encrypted, new SecretCipher.Binding("wh_1", "space_1", "xhttps://h.example/")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new SecretCipher.Binding("ab", "c", "d").associatedData())
        .isNotEqualTo(new SecretCipher.Binding("a", "bc", "d").associatedData())
        .startsWith(new byte[] {2, 0, 0, 0, 2, 'a', 'b', 0, 0, 0, 1, 'c'});
  }

  @Test
  void readsAnOlderReleasesCiphertextBoundToTheIdOnly() throws Exception {
    String legacy = LegacyCiphertext.of(KEY_ONE, "wh_1", "hunter2-webhook-secret");
    SecretCipher cipher = SecretCipher.parse("k1:" + KEY_ONE);
    SecretCipher.Encrypted encrypted = new SecretCipher.Encrypted("k1", legacy);

    assertThat(cipher.decryptBoundToIdOnly(encrypted, "wh_1").reveal())
        .isEqualTo("hunter2-webhook-secret");
    assertThatThrownBy(() -> cipher.decrypt(encrypted, WH_1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> cipher.decryptBoundToIdOnly(encrypted, "wh_2"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aCurrentCiphertextDoesNotPassAsAnOldOneUnderACraftedId() {
    SecretCipher cipher = SecretCipher.parse("k1:" + KEY_ONE);
    SecretCipher.Encrypted encrypted = cipher.encrypt(SECRET, WH_1);
    String crafted = new String(WH_1.associatedData(), StandardCharsets.ISO_8859_1);

    assertThatThrownBy(() -> cipher.decryptBoundToIdOnly(encrypted, crafted))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("control characters");
  }

  @Test
  void aGeneratedKeyEncryptsForItselfOnly() {
    SecretCipher one = SecretCipher.generate("demo");
    String spec = SecretCipher.generateKeySpec("demo");

    assertThat(one.decrypt(one.encrypt(SECRET, WH_1), WH_1).reveal())
        .isEqualTo("hunter2-webhook-secret");
    assertThat(spec).matches("demo:[A-Za-z0-9+/]{43}=");
    assertThatThrownBy(() -> SecretCipher.parse(spec).decrypt(one.encrypt(SECRET, WH_1), WH_1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void unknownKeyIdFailsNamingTheKeyId() {
    SecretCipher cipher = SecretCipher.parse("k1:" + KEY_ONE);
    SecretCipher.Encrypted encrypted = cipher.encrypt(SECRET, WH_1);

    assertThatThrownBy(
            () -> cipher.decrypt(new SecretCipher.Encrypted("k9", encrypted.ciphertext()), WH_1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("k9")
        .hasMessageContaining("not known");
  }

  @Test
  void ciphertextUnderOneKeyDoesNotDecryptUnderAnotherKeyWithTheSameId() {
    SecretCipher.Encrypted encrypted = SecretCipher.parse("k1:" + KEY_ONE).encrypt(SECRET, WH_1);
    SecretCipher otherKeyNamedK1 = SecretCipher.parse("k1:" + KEY_TWO);

    assertThatThrownBy(() -> otherKeyNamedK1.decrypt(encrypted, WH_1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void tamperedCiphertextDoesNotDecrypt() {
    SecretCipher cipher = SecretCipher.parse("k1:" + KEY_ONE);
    SecretCipher.Encrypted encrypted = cipher.encrypt(SECRET, WH_1);
    byte[] raw = Base64.getDecoder().decode(encrypted.ciphertext());
    raw[raw.length - 1] ^= 1;
    SecretCipher.Encrypted tampered =
        new SecretCipher.Encrypted("k1", Base64.getEncoder().encodeToString(raw));

    assertThatThrownBy(() -> cipher.decrypt(tampered, WH_1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void tooShortCiphertextIsRefused() {
    SecretCipher cipher = SecretCipher.parse("k1:" + KEY_ONE);
    SecretCipher.Encrypted tiny =
        new SecretCipher.Encrypted("k1", Base64.getEncoder().encodeToString(new byte[5]));

    assertThatThrownBy(() -> cipher.decrypt(tiny, WH_1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too short");
  }

  @Test
  void newFirstKeyEncryptsWhileOldKeyStillDecryptsOldRecords() {
    SecretCipher.Encrypted old = SecretCipher.parse("k1:" + KEY_ONE).encrypt(SECRET, WH_1);
    SecretCipher rotated = SecretCipher.parse("k2:" + KEY_TWO + ",k1:" + KEY_ONE);

    assertThat(rotated.decrypt(old, WH_1).reveal()).isEqualTo("hunter2-webhook-secret");
    SecretCipher.Encrypted fresh = rotated.encrypt(SECRET, WH_1);
    assertThat(fresh.keyId()).isEqualTo("k2");
    assertThat(rotated.decrypt(fresh, WH_1).reveal()).isEqualTo("hunter2-webhook-secret");
  }

  @Test
  void blankSpecMeansNoEncryption() {
    assertThat(SecretCipher.parse("").canEncrypt()).isFalse();
    assertThat(SecretCipher.parse(null).canEncrypt()).isFalse();
    assertThatThrownBy(() -> SecretCipher.none().encrypt(SECRET, WH_1))
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
