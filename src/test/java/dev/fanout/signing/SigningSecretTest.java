package dev.fanout.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class SigningSecretTest {

  @Test
  void aBareWhsecPrefixSignsWithTheRawBytesInsteadOfAnEmptyKey() {
    byte[] body = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    // An empty HMAC key is refused by the JDK; such a secret must still sign, not crash delivery.
    String signature = Signer.standardSignature(new SigningSecret("whsec_"), "dlv_1", 1L, body);
    assertThat(signature)
        .isEqualTo(
            "v1,"
                + java.util.Base64.getEncoder()
                    .encodeToString(
                        hmac(
                            "whsec_".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                            "dlv_1.1.{}")));
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void toStringNeverRevealsTheSecret() {
    SigningSecret secret = new SigningSecret("s3cr3t-value-xyz");

    assertThat(secret.toString()).doesNotContain("s3cr3t").doesNotContain("xyz");
    assertThat(String.valueOf(secret)).isEqualTo(secret.toString());
  }

  @Test
  void toStringNeverRevealsAStandardWebhooksSecret() {
    SigningSecret secret = new SigningSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

    assertThat(secret.toString()).doesNotContain("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  }

  @Test
  void revealReturnsTheSecretAsGiven() {
    assertThat(new SigningSecret("whsec_abc").reveal()).isEqualTo("whsec_abc");
  }

  @Test
  void whsecSecretUsesDecodedBase64AsStandardWebhooksKey() {
    SigningSecret secret = new SigningSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

    assertThat(secret.standardWebhooksKey())
        .isEqualTo(Base64.getDecoder().decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
    assertThat(secret.y42Key()).isEqualTo("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".getBytes());
  }

  @Test
  void whsecSecretThatIsNotBase64FallsBackToUtf8Bytes() {
    SigningSecret secret = new SigningSecret("whsec_not base64!");

    assertThat(secret.standardWebhooksKey()).isEqualTo("whsec_not base64!".getBytes());
  }

  @Test
  void aStandardWebhooksSecretMustDecodeToAtLeast24Bytes() {
    String b24 = Base64.getEncoder().encodeToString(new byte[24]);
    String b23 = Base64.getEncoder().encodeToString(new byte[23]);

    assertThat(SigningSecret.weakness("whsec_" + b24)).isNull();
    assertThat(SigningSecret.weakness("whsec_" + b23))
        .isEqualTo("a whsec_ secret must decode to at least 24 bytes, and this one decodes to 23");
    assertThat(SigningSecret.weakness("whsec_")).contains("decodes to 0");
  }

  @Test
  void aMalformedStandardWebhooksSecretIsRefusedNotReadAsRawText() {
    String weakness = SigningSecret.weakness("whsec_not base64 but long enough!!");

    assertThat(weakness)
        .isEqualTo("a whsec_ secret must be followed by base64, and this one is not");
    assertThat(weakness).doesNotContain("long enough");
  }

  @Test
  void aRawSecretMustHaveAtLeast16Characters() {
    assertThat(SigningSecret.weakness("0123456789abcdef")).isNull();
    assertThat(SigningSecret.weakness("0123456789abcde"))
        .isEqualTo(
            "a secret must be at least 16 characters long (or whsec_ and base64 of 24 bytes or"
                + " more), and this one has 15")
        .doesNotContain("0123");
    // Characters, not UTF-8 bytes: eight two-byte letters are eight characters.
    assertThat(SigningSecret.weakness("ääääääää")).contains("has 8");
  }

  @Test
  void refusesEmptySecret() {
    assertThatThrownBy(() -> new SigningSecret("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SigningSecret(null)).isInstanceOf(IllegalArgumentException.class);
  }
}
