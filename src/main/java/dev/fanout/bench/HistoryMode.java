package dev.fanout.bench;

import java.util.List;
import java.util.Locale;

/**
 * Whether the worker writes delivery history during a run ({@code history.enabled}).
 *
 * <p>{@code both} measures what history costs. On a small machine a JVM keeps getting faster for
 * minutes (the JIT), by more than history costs, so a plain on-then-off pair measures the order.
 * Instead it runs two warm-ups (history on, not compared), then on, off, off, on: drift that is
 * linear in time falls equally on both modes. One warm-up was not enough: the raw client of the
 * first run after it was still 15 % slower than in the runs after, which counted against history.
 */
public enum HistoryMode {
  ON,
  OFF,
  BOTH;

  /** Runs of {@code both} that only warm the JVM up. */
  static final int WARM_UPS = 2;

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

  /**
   * The values of {@code history.enabled} to run with, in order; with {@code both}, the first is
   * {@link #WARM_UPS} warm-ups.
   */
  List<Boolean> runs() {
    return switch (this) {
      case ON -> List.of(true);
      case OFF -> List.of(false);
      case BOTH -> List.of(true, true, true, false, false, true);
    };
  }
}
