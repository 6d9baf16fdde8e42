package dev.fanout.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NumericHostsTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0x7f000001",
        "0X7F000001",
        "017700000001",
        "2130706433",
        "0177.0.0.1",
        "012.0.0.1",
        "127.1",
        "127.0.1",
        "1.2.3.4.5",
        "256.0.0.1",
        "1.2.3.0x4",
        "0x",
        "a.b.0x1f",
        "00.1.2.3",
        "1.2.3.04",
        "hooks.example.1234"
      })
  void numericHostsThatReadMoreThanOneWayAreAmbiguous(String host) {
    assertThat(NumericHosts.ambiguous(host)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1",
        "0.0.0.0",
        "255.255.255.255",
        "10.0.0.1",
        "hooks.example.com",
        "localhost",
        "[::1]",
        "1.2.3.4.",
        "example.0xg",
        "a.b.c",
        "x",
        "0x1g",
        "1.2.3.4a",
        "hooks.example.１"
      })
  void namesAndPlainDottedQuadsAreNot(String host) {
    assertThat(NumericHosts.ambiguous(host)).isFalse();
  }

  /** The rules as regular expressions, as they read in the WHATWG terms, against random hosts. */
  @Test
  void agreesWithTheRulesWrittenAsRegularExpressions() {
    Pattern numericLabel = Pattern.compile("[0-9]+|0[xX][0-9a-fA-F]*");
    Pattern part = Pattern.compile("0|[1-9][0-9]{0,2}");
    String alphabet = "0123456789.xXaAfFgz";
    Random random = new Random(42);
    for (int n = 0; n < 200_000; n++) {
      StringBuilder host = new StringBuilder();
      int length = 1 + random.nextInt(16);
      for (int i = 0; i < length; i++) {
        host.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String h = host.toString();
      String last = h.substring(h.lastIndexOf('.') + 1);
      String[] parts = h.split("\\.", -1);
      boolean quad = parts.length == 4;
      for (String p : parts) {
        quad = quad && part.matcher(p).matches() && Integer.parseInt(p) <= 255;
      }
      boolean expected = numericLabel.matcher(last).matches() && !quad;
      assertThat(NumericHosts.ambiguous(h)).as(h).isEqualTo(expected);
    }
  }
}
