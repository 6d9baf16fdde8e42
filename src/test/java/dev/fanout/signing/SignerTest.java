package dev.fanout.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SignerTest {
  private static final byte[] GITHUB_BODY = "Hello, World!".getBytes(StandardCharsets.UTF_8);
  private static final byte[] STANDARD_BODY =
      "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
  private static final SigningSecret STANDARD_SECRET =
      new SigningSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  private static final String STANDARD_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  private static final long STANDARD_TIMESTAMP = 1614265330L;

  @Test
  void reproducesGithubPublishedSignatureVector() {
    SigningSecret secret = new SigningSecret("It's a Secret to Everybody");

    assertThat(Signer.y42Signature(secret, GITHUB_BODY))
        .isEqualTo("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
  }

  @Test
  void reproducesStandardWebhooksPublishedSignatureVector() {
    assertThat(
            Signer.standardSignature(
                STANDARD_SECRET, STANDARD_ID, STANDARD_TIMESTAMP, STANDARD_BODY))
        .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }

  @Test
  void standardSignatureChangesWithTimestampAndId() {
    String reference =
        Signer.standardSignature(STANDARD_SECRET, STANDARD_ID, STANDARD_TIMESTAMP, STANDARD_BODY);

    assertThat(
            Signer.standardSignature(
                STANDARD_SECRET, STANDARD_ID, STANDARD_TIMESTAMP + 1, STANDARD_BODY))
        .isNotEqualTo(reference);
    assertThat(
            Signer.standardSignature(
                STANDARD_SECRET, "msg_other", STANDARD_TIMESTAMP, STANDARD_BODY))
        .isNotEqualTo(reference);
  }

  @Test
  void secretWithoutWhsecPrefixIsUsedAsUtf8BytesForStandardSignature() {
    // The y42 signature and the Standard Webhooks signature then share the same key bytes, so the
    // standard one over "<id>.<ts>.<body>" equals a y42 one over that concatenation.
    SigningSecret secret = new SigningSecret("It's a Secret to Everybody");
    byte[] signedContent = "id.1.Hello, World!".getBytes(StandardCharsets.UTF_8);
    String y42Hex = Signer.y42Signature(secret, signedContent).substring("sha256=".length());
    byte[] mac = HexFormat.of().parseHex(y42Hex);

    assertThat(Signer.standardSignature(secret, "id", 1, GITHUB_BODY))
        .isEqualTo("v1," + Base64.getEncoder().encodeToString(mac));
  }

  @Test
  void standardSignaturesListsOnlyCurrentSignatureWithoutPreviousSecret() {
    String single =
        Signer.standardSignatures(
            STANDARD_SECRET, null, STANDARD_ID, STANDARD_TIMESTAMP, STANDARD_BODY);

    assertThat(single).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }

  @Test
  void standardSignaturesPutsCurrentFirstThenPrevious() {
    SigningSecret previous = new SigningSecret("an older secret");

    String both =
        Signer.standardSignatures(
            STANDARD_SECRET, previous, STANDARD_ID, STANDARD_TIMESTAMP, STANDARD_BODY);

    assertThat(both.split(" "))
        .containsExactly(
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
            Signer.standardSignature(previous, STANDARD_ID, STANDARD_TIMESTAMP, STANDARD_BODY));
  }
}
