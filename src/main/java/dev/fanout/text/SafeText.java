package dev.fanout.text;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;

/**
 * Makes text from outside (event and delivery ids, URLs, record keys, exception messages) safe to
 * print on one line of a log or a terminal. Each character that could act instead of showing is
 * replaced by a visible escape:
 *
 * <ul>
 *   <li>line breaks {@code \n}, {@code \r} and tab {@code \t} by those two characters, so a value
 *       cannot end a log line and forge the next one;
 *   <li>other C0 controls (ESC starts terminal escape sequences), DEL and C1 controls ({@code
 *       U+0085} is a line break, {@code U+009B} a terminal's CSI) by {@code \}{@code uXXXX};
 *   <li>the bidirectional controls {@code U+202A}–{@code U+202E}, {@code U+2066}–{@code U+2069},
 *       {@code U+200E}, {@code U+200F} and {@code U+061C}, which reorder what is shown (a name that
 *       reads differently than it is), and the separators {@code U+2028}, {@code U+2029}, by {@code
 *       \}{@code uXXXX}.
 * </ul>
 *
 * Everything else, other non-ASCII letters included, is kept. A backslash is kept as it is, so the
 * escapes are for reading, not for decoding. Stateless and thread-safe.
 */
public final class SafeText {
  /**
   * Jackson escapes for JSON meant for a terminal or a log: JSON's own, plus every character {@link
   * #escape} escapes (JSON allows them raw, and a terminal would act on them all the same).
   */
  public static final CharacterEscapes JSON_ESCAPES = new JsonEscapes();

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private SafeText() {}

  /**
   * {@code text} with every such character escaped; the same instance when none is; null stays
   * null.
   */
  public static String escape(String text) {
    if (text == null) {
      return null;
    }
    int first = firstToEscape(text);
    if (first < 0) {
      return text; // the common case: nothing to copy
    }
    StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, first);
    for (int i = first; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!needsEscape(c)) {
        out.append(c);
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\t') {
        out.append("\\t");
      } else {
        out.append("\\u")
            .append(HEX[(c >> 12) & 0xF])
            .append(HEX[(c >> 8) & 0xF])
            .append(HEX[(c >> 4) & 0xF])
            .append(HEX[c & 0xF]);
      }
    }
    return out.toString();
  }

  /** Whether {@link #escape} replaces this character. */
  public static boolean needsEscape(char c) {
    if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
      return true; // C0 controls, DEL, C1 controls
    }
    if (c < 0x061C) {
      return false; // fast path for the usual text
    }
    return c == 0x061C // Arabic letter mark
        || c == 0x200E // left-to-right mark
        || c == 0x200F // right-to-left mark
        || (c >= 0x2028 && c <= 0x202E) // line and paragraph separators, embeddings, overrides
        || (c >= 0x2066 && c <= 0x2069); // isolates
  }

  private static int firstToEscape(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (needsEscape(text.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  private static final class JsonEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private final int[] ascii = CharacterEscapes.standardAsciiEscapesForJSON();

    JsonEscapes() {
      ascii[0x7F] = CharacterEscapes.ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      if (ch <= 0xFFFF && needsEscape((char) ch)) {
        return new SerializedString(String.format("\\u%04X", ch));
      }
      return null;
    }
  }
}
