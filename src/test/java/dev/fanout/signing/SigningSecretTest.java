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
  void refusesEmptySecret() {
    assertThatThrownBy(() -> new SigningSecret("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SigningSecret(null)).isInstanceOf(IllegalArgumentException.class);
  }
}
