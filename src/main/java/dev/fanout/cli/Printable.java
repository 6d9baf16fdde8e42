package dev.fanout.cli;

/**
 * Makes text from the config topic safe to print on a terminal. Anyone who can write a webhook can
 * put any character into its id, URL or description; printed as they are, escape sequences would
 * drive the operator's terminal (rewrite earlier lines, set the window title) and bidirectional
 * controls would make a URL read other than it is. Those characters are shown as visible escapes
 * instead: a backslash, {@code u} and four hex digits (ESC prints as <code>&#92;u001b</code>). A
 * backslash prints as two, so an escape printed always means one.
 *
 * <p>Escaped: C0 controls and DEL (U+0000–U+001F, U+007F), C1 controls (U+0080–U+009F), the
 * bidirectional controls (U+200E, U+200F, U+202A–U+202E, U+2066–U+2069, U+061C), the line and
 * paragraph separators (U+2028, U+2029), and surrogates that do not form a pair.
 */
final class Printable {
  private Printable() {}

  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean pair =
          Character.isHighSurrogate(c)
              && i + 1 < text.length()
              && Character.isLowSurrogate(text.charAt(i + 1));
      if (pair) {
        if (out != null) {
          out.append(c).append(text.charAt(i + 1));
        }
        i++;
        continue;
      }
      if (c != '\\' && !unsafe(c)) {
        if (out != null) {
          out.append(c);
        }
        continue;
      }
      if (out == null) {
        out = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (c == '\\') {
        out.append("\\\\");
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    return out == null ? text : out.toString();
  }

  private static boolean unsafe(char c) {
    return c < 0x20
        || (c >= 0x7f && c <= 0x9f)
        || c == '\u200e'
        || c == '\u200f'
        || (c >= '\u202a' && c <= '\u202e')
        || (c >= '\u2066' && c <= '\u2069')
        || c == '\u061c'
        || c == '\u2028'
        || c == '\u2029'
        || Character.isSurrogate(c);
  }
}
