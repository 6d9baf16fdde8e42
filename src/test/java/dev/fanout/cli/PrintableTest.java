package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrintableTest {
  @Test
  void leavesOrdinaryTextAlone() {
    String text = "https://hooks.example.com/y42?a=1 — on-call pager, Grüße, 日本, 🚀";
    assertThat(Printable.escape(text)).isSameAs(text);
  }

  @Test
  void escapesTerminalEscapeSequences() {
    assertThat(Printable.escape("a\u001b]0;owned\u0007b\u001b[2J"))
        .isEqualTo("a\\u001b]0;owned\\u0007b\\u001b[2J");
  }

  @Test
  void escapesOtherC0ControlsAndDel() {
    assertThat(Printable.escape("x\ny\rz\tq\u0000\u007f"))
        .isEqualTo("x\\u000ay\\u000dz\\u0009q\\u0000\\u007f");
  }

  @Test
  void escapesC1Controls() {
    assertThat(Printable.escape("a\u009b31mb\u0085c\u0080"))
        .isEqualTo("a\\u009b31mb\\u0085c\\u0080");
  }

  @Test
  void escapesBidirectionalControls() {
    assertThat(
            Printable.escape(
                "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"))
        .isEqualTo(
            "\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f\\u061c");
    assertThat(Printable.escape("https://evil.example/\u202egpj.exe"))
        .isEqualTo("https://evil.example/\\u202egpj.exe");
  }

  @Test
  void escapesLineAndParagraphSeparators() {
    assertThat(Printable.escape("a\u2028b\u2029c")).isEqualTo("a\\u2028b\\u2029c");
  }

  @Test
  void escapesUnpairedSurrogatesButKeepsPairs() {
    assertThat(Printable.escape("a\ud800b\udc00c\ud83d\ude80"))
        .isEqualTo("a\\ud800b\\udc00c\ud83d\ude80");
  }

  @Test
  void doublesABackslashSoAnEscapeIsAlwaysOne() {
    assertThat(Printable.escape("C:\\u001b")).isEqualTo("C:\\\\u001b");
  }

  @Test
  void printsNullAsEmpty() {
    assertThat(Printable.escape(null)).isEmpty();
  }
}
