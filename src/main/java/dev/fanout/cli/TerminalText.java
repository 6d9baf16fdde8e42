package dev.fanout.cli;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;

/**
 * Text from outside (an endpoint's answer) made safe to print: nothing in it can move the cursor,
 * send a terminal a command, reorder what follows it, or start a new line. Escaped, as {@code
 * \}{@code uXXXX} (or {@code \n}, {@code \r}, {@code \t}, and {@code \\} for the backslash itself):
 *
 * <pre>
 *   C0 controls U+0000–U+001F, DEL U+007F, C1 controls U+0080–U+009F (U+009B starts a command on
 *   many terminals), the bidi controls U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069,
 *   and the line and paragraph separators U+2028, U+2029
 * </pre>
 *
 * {@link #JSON_ESCAPES} escapes the same characters in JSON output, where they are valid but would
 * act on the terminal all the same.
 */
final class TerminalText {
  private TerminalText() {}

  /** The text on one line, every unsafe character escaped. */
  static String escape(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' || unsafe(c)) {
        if (out == null) {
          out = new StringBuilder(text.length() + 16).append(text, 0, i);
        }
        switch (c) {
          case '\\' -> out.append("\\\\");
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          case '\t' -> out.append("\\t");
          default -> out.append(String.format("\\u%04x", (int) c));
        }
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }

  /** Whether printing {@code c} as it is could act on a terminal. */
  static boolean unsafe(char c) {
    return c < 0x20
        || (c >= 0x7F && c <= 0x9F)
        || c == '\u061C'
        || c == '\u200E'
        || c == '\u200F'
        || (c >= '\u202A' && c <= '\u202E')
        || (c >= '\u2066' && c <= '\u2069')
        || c == '\u2028'
        || c == '\u2029';
  }

  /** Jackson escapes for the same characters: standard JSON escaping plus {@link #unsafe} ones. */
  static final CharacterEscapes JSON_ESCAPES = new UnsafeCharacterEscapes();

  private static final class UnsafeCharacterEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private final int[] ascii;

    UnsafeCharacterEscapes() {
      ascii = standardAsciiEscapesForJSON();
      ascii[0x7F] = ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      return ch <= Character.MAX_VALUE && unsafe((char) ch)
          ? new SerializedString(String.format("\\u%04X", ch))
          : null;
    }
  }
}
