package dev.fanout.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The receiver example of the README is this code: the test runs it against a published vector and
 * checks that the README still shows it line for line.
 */
class ReceiverExampleTest {

  // README example: verify (begin)
  static boolean isFromY42(String secret, byte[] rawBody, String signatureHeader) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal(rawBody));
    // Constant-time comparison: timing must not reveal how much of a forgery matched.
    return signatureHeader != null
        && MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.UTF_8),
            signatureHeader.getBytes(StandardCharsets.UTF_8));
  }

  // README example: verify (end)

  @Test
  void acceptsGithubsPublishedExampleAndRejectsATamperedBody() throws Exception {
    String header = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    byte[] body = "Hello, World!".getBytes(StandardCharsets.UTF_8);
    assertThat(isFromY42("It's a Secret to Everybody", body, header)).isTrue();
    assertThat(isFromY42("It's a Secret to Everybody", "Hello, World?".getBytes(), header))
        .isFalse();
    assertThat(isFromY42("another secret", body, header)).isFalse();
    assertThat(isFromY42("It's a Secret to Everybody", body, null)).isFalse();
  }

  @Test
  void readmeShowsTheTestedExample() throws Exception {
    List<String> source =
        Files.readAllLines(Path.of("src/test/java/dev/fanout/docs/ReceiverExampleTest.java"));
    List<String> example =
        between(source, "// README example: verify (begin)", "// README example: verify (end)");
    String readme = Files.readString(Path.of("README.md"));
    assertThat(example).isNotEmpty();
    assertThat(normalise(readme)).contains(String.join("\n", example));
  }

  private static List<String> between(List<String> lines, String begin, String end) {
    int from = -1;
    int to = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).trim().equals(begin)) {
        from = i + 1;
      } else if (lines.get(i).trim().equals(end)) {
        to = i;
      }
    }
    return lines.subList(from, to).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }

  private static String normalise(String text) {
    return String.join(
        "\n",
        Arrays.stream(text.split("\n")).map(String::strip).filter(l -> !l.isEmpty()).toList());
  }
}
