package dev.fanout.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Whether the worker writes delivery history during a run ({@code history.enabled}).
 *
 * <p>{@code both} measures what history costs. On a small machine a JVM keeps getting faster for
 * minutes (the JIT), by more than history costs, so a plain on-then-off pair measures the order.
 * Instead it runs warm-ups (history on, not compared), then on, off, off, on: drift that is linear
 * in time falls equally on both modes. One warm-up was not enough: the raw client of the first run
 * after it was still 15 % slower than in the runs after, which counted against history.
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

  /**
   * The values of {@code history.enabled} to run with, in order; with {@code both}, the first
   * {@code warmUps} passes only warm up (history on), and the measured ones follow.
   */
  List<Boolean> runs(int warmUps) {
    return switch (this) {
      case ON -> List.of(true);
      case OFF -> List.of(false);
      case BOTH -> {
        List<Boolean> runs = new ArrayList<>(Collections.nCopies(warmUps, true));
        runs.addAll(List.of(true, false, false, true));
        yield List.copyOf(runs);
      }
    };
  }
}
