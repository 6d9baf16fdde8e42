package dev.fanout.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SignatureVerifierTest {
  private static final SigningSecret SECRET =
      new SigningSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  private static final String TIMESTAMP = "1614265330";
  private static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
  private static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
  private static final Instant NOW = Instant.ofEpochSecond(1614265330L + 30);
  private static final Duration TOLERANCE = Duration.ofMinutes(5);

  @Test
  void acceptsGithubVector() {
    SigningSecret secret = new SigningSecret("It's a Secret to Everybody");

    assertThat(
            SignatureVerifier.verifyY42(
                secret,
                "Hello, World!".getBytes(StandardCharsets.UTF_8),
                "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"))
        .isTrue();
  }

  @Test
  void y42RejectsTamperedBody() {
    SigningSecret secret = new SigningSecret("It's a Secret to Everybody");

    assertThat(
            SignatureVerifier.verifyY42(
                secret,
                "Hello, World?".getBytes(StandardCharsets.UTF_8),
                "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"))
        .isFalse();
  }

  @Test
  void y42RejectsWrongSecret() {
    assertThat(
            SignatureVerifier.verifyY42(
                new SigningSecret("It's a Secret to Nobody"),
                "Hello, World!".getBytes(StandardCharsets.UTF_8),
                "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"))
        .isFalse();
  }

  @Test
  void y42RejectsMissingHeader() {
    assertThat(SignatureVerifier.verifyY42(SECRET, BODY, null)).isFalse();
  }

  @Test
  void acceptsStandardWebhooksVector() {
    assertThat(verify(SECRET, BODY, SIGNATURE, NOW)).isTrue();
  }

  @Test
  void standardRejectsTamperedBody() {
    byte[] tampered = "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8);

    assertThat(verify(SECRET, tampered, SIGNATURE, NOW)).isFalse();
  }

  @Test
  void standardRejectsWrongSecret() {
    SigningSecret wrong = new SigningSecret("whsec_" + "A".repeat(32));

    assertThat(verify(wrong, BODY, SIGNATURE, NOW)).isFalse();
  }

  @Test
  void standardRejectsTimestampOlderThanTolerance() {
    Instant muchLater = Instant.ofEpochSecond(1614265330L).plus(TOLERANCE).plusSeconds(1);

    assertThat(verify(SECRET, BODY, SIGNATURE, muchLater)).isFalse();
  }

  @Test
  void standardAcceptsTimestampAtEdgeOfTolerance() {
    Instant edge = Instant.ofEpochSecond(1614265330L).plus(TOLERANCE);

    assertThat(verify(SECRET, BODY, SIGNATURE, edge)).isTrue();
  }

  @Test
  void standardRejectsTimestampTooFarInTheFuture() {
    Instant earlier = Instant.ofEpochSecond(1614265330L).minus(TOLERANCE).minusSeconds(1);

    assertThat(verify(SECRET, BODY, SIGNATURE, earlier)).isFalse();
  }

  @Test
  void standardRejectsNonNumericTimestamp() {
    assertThat(
            SignatureVerifier.verifyStandard(
                SECRET, ID, "yesterday", BODY, SIGNATURE, NOW, TOLERANCE))
        .isFalse();
  }

  @Test
  void standardAcceptsWhenSecondOfTwoSignaturesMatches() {
    // The sender signed with its new secret first and the receiver still holds the previous one.
    SigningSecret newSecret = new SigningSecret("whsec_" + "B".repeat(32));
    String header = Signer.standardSignature(newSecret, ID, 1614265330L, BODY) + " " + SIGNATURE;

    assertThat(verify(SECRET, BODY, header, NOW)).isTrue();
  }

  @Test
  void standardAcceptsWhenFirstOfTwoSignaturesMatches() {
    SigningSecret previous = new SigningSecret("whsec_" + "B".repeat(32));
    String header = Signer.standardSignatures(SECRET, previous, ID, 1614265330L, BODY);

    assertThat(verify(SECRET, BODY, header, NOW)).isTrue();
    assertThat(verify(previous, BODY, header, NOW)).isTrue();
  }

  @Test
  void standardRejectsWhenNoneOfTwoSignaturesMatches() {
    SigningSecret a = new SigningSecret("whsec_" + "B".repeat(32));
    SigningSecret b = new SigningSecret("whsec_" + "C".repeat(32));
    String header = Signer.standardSignatures(a, b, ID, 1614265330L, BODY);

    assertThat(verify(SECRET, BODY, header, NOW)).isFalse();
  }

  @Test
  void standardRejectsSignatureMadeForAnotherMessageId() {
    assertThat(
            SignatureVerifier.verifyStandard(
                SECRET, "msg_other", TIMESTAMP, BODY, SIGNATURE, NOW, TOLERANCE))
        .isFalse();
  }

  private static boolean verify(SigningSecret secret, byte[] body, String header, Instant now) {
    return SignatureVerifier.verifyStandard(secret, ID, TIMESTAMP, body, header, now, TOLERANCE);
  }
}
