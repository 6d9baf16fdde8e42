package dev.fanout.bench;

import java.util.List;
import java.util.Locale;

/**
 * Whether the worker writes delivery history during a run ({@code history.enabled}); {@code both}
 * runs each scenario twice, history on first, then off, and reports what history costs.
 */
public enum HistoryMode {
  ON,
  OFF,
  BOTH;

  /**
   * @throws IllegalArgumentException for anything but on, off or both
   */
  public static HistoryMode parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--history: '" + text + "' is not one of on, off, both");
    }
  }

  /** The values of {@code history.enabled} to run with, in order. */
  List<Boolean> runs() {
    return switch (this) {
      case ON -> List.of(true);
      case OFF -> List.of(false);
      case BOTH -> List.of(true, false);
    };
  }
}
