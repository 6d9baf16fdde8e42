package dev.fanout.text;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class SafeTextTest {

  @Test
  void lineBreaksAndTabBecomeVisibleSoNoLineCanBeForged() {
    assertThat(SafeText.escape("wh_1\r\n12:00:00.000 INFO  forged\tline"))
        .isEqualTo("wh_1\\r\\n12:00:00.000 INFO  forged\\tline");
  }

  @Test
  void terminalEscapeSequencesLoseTheirEsc() {
    assertThat(SafeText.escape("evt_\u001b[2J\u001b]0;title\u0007"))
        .isEqualTo("evt_\\u001b[2J\\u001b]0;title\\u0007");
  }

  @Test
  void everyOtherC0ControlAndDelAreEscaped() {
    assertThat(SafeText.escape("\u0000\u0008\u000b\u000c\u001f\u007f"))
        .isEqualTo("\\u0000\\u0008\\u000b\\u000c\\u001f\\u007f");
  }

  @Test
  void c1ControlsAreEscaped() {
    // U+0085 is NEL (a line break to some readers), U+009B a terminal's one-byte CSI.
    assertThat(SafeText.escape("a\u0080b\u0085c\u009bd\u009f"))
        .isEqualTo("a\\u0080b\\u0085c\\u009bd\\u009f");
  }

  @Test
  void bidirectionalControlsAreEscaped() {
    assertThat(SafeText.escape("\u202a\u202b\u202c\u202d\u202e"))
        .isEqualTo("\\u202a\\u202b\\u202c\\u202d\\u202e");
    assertThat(SafeText.escape("\u2066\u2067\u2068\u2069"))
        .isEqualTo("\\u2066\\u2067\\u2068\\u2069");
    assertThat(SafeText.escape("\u200e\u200f\u061c")).isEqualTo("\\u200e\\u200f\\u061c");
    // A URL that would show as "https://example.com/exe.txt" with the override left raw.
    assertThat(SafeText.escape("https://example.com/\u202etxt.exe"))
        .isEqualTo("https://example.com/\\u202etxt.exe");
  }

  @Test
  void unicodeLineAndParagraphSeparatorsAreEscaped() {
    assertThat(SafeText.escape("a\u2028b\u2029c")).isEqualTo("a\\u2028b\\u2029c");
  }

  @Test
  void printableTextIsKeptAsTheSameInstance() {
    String text = "déjà vu: 東京 – wh_1 https://hooks.example.com/y42?a=b \\n \u200b";
    assertThat(SafeText.escape(text)).isSameAs(text);
    assertThat(SafeText.escape("")).isEmpty();
    assertThat(SafeText.escape(null)).isNull();
  }

  @Test
  void charactersNextToTheEscapedRangesAreKept() {
    assertThat(SafeText.escape("\u0020\u007e\u00a0\u061b\u061d\u200d\u2027\u202f\u2065\u206a"))
        .isEqualTo("\u0020\u007e\u00a0\u061b\u061d\u200d\u2027\u202f\u2065\u206a");
  }

  @Test
  void jsonEscapesCoverTheSameCharactersAndKeepOtherText() throws Exception {
    JsonFactory factory = new JsonFactory();
    StringWriter out = new StringWriter();
    try (JsonGenerator json = factory.createGenerator(out)) {
      json.setCharacterEscapes(SafeText.JSON_ESCAPES);
      json.writeString("a\u009b2J\u202egnp\u007f\n é😀");
    }
    assertThat(out.toString()).isEqualTo("\"a\\u009B2J\\u202Egnp\\u007F\\n é😀\"");
  }
}
