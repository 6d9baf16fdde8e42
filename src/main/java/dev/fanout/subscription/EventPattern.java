package dev.fanout.subscription;

/**
 * One entry of a subscription's {@code events}: an exact type ({@code job.failed}), a prefix
 * ({@code job.*}, which matches {@code job.failed} but not {@code jobs.x}), or {@code *} for all.
 */
public record EventPattern(String text) {
  public EventPattern {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("an event pattern is empty");
    }
    int star = text.indexOf('*');
    if (star >= 0 && !(text.equals("*") || (text.endsWith(".*") && star == text.length() - 1))) {
      throw new IllegalArgumentException(
          "event pattern '" + text + "' may only end in .* or be * alone");
    }
  }

  public boolean matches(String type) {
    if (text.equals("*")) {
      return true;
    }
    if (text.endsWith(".*")) {
      return type.startsWith(text.substring(0, text.length() - 1));
    }
    return text.equals(type);
  }

  @Override
  public String toString() {
    return text;
  }
}
