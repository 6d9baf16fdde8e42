package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class TerminalTextTest {
  private static final String HOSTILE =
      "a\u001b[2Jb\u0007\u0000\r\n\t\\c\u007f\u0085\u009b31md\u202ee\u2066f\u200eg\u061ch\u2028i";

  @Test
  void escapesControlsBidiAndSeparatorsOnOneLine() {
    assertThat(TerminalText.escape(HOSTILE))
        .isEqualTo(
            "a\\u001b[2Jb\\u0007\\u0000\\r\\n\\t\\\\c\\u007f\\u0085\\u009b31md\\u202ee\\u2066f"
                + "\\u200eg\\u061ch\\u2028i");
  }

  @Test
  void leavesOrdinaryTextAlone() {
    String text = "{\"error\":\"zu viele Anfragen\",\"grüße\":\"日本\",\"emoji\":\"😀\"} \uFFFD";

    assertThat(TerminalText.escape(text)).isSameAs(text);
  }

  @Test
  void jsonOutputEscapesTheSameCharactersAndReadsBackUnchanged() throws Exception {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
      g.setCharacterEscapes(TerminalText.JSON_ESCAPES);
      g.writeString(HOSTILE + " é😀");
    }
    String json = out.toString();

    for (char c : json.toCharArray()) {
      assertThat(TerminalText.unsafe(c)).as("U+%04X written as is", (int) c).isFalse();
    }
    assertThat(json).contains("\\u009B").contains("\\u202E").contains("é😀");
    assertThat(new ObjectMapper().readValue(json, String.class)).isEqualTo(HOSTILE + " é😀");
  }
}
