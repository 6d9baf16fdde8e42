package dev.fanout.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads typed values from a flat key map and collects every problem instead of stopping at the
 * first. Each message names the key and the bad value, so an operator can fix all of them at once.
 */
final class ConfigReader {
  private final Map<String, String> values;
  private final List<String> problems = new ArrayList<>();

  ConfigReader(Map<String, String> values) {
    this.values = values;
  }

  String string(String key) {
    String value = values.get(key);
    if (value == null || value.isBlank()) {
      problems.add(key + ": must be set");
      return "";
    }
    return value.trim();
  }

  String optionalString(String key) {
    String value = values.get(key);
    return value == null ? "" : value.trim();
  }

  List<String> list(String key) {
    String value = optionalString(key);
    if (value.isEmpty()) {
      return List.of();
    }
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  int integer(String key, int min, int max) {
    String value = string(key);
    if (value.isEmpty()) {
      return min; // already reported as unset
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed < min || parsed > max) {
        problems.add(key + ": " + value + " is outside " + min + ".." + max);
      }
      return parsed;
    } catch (NumberFormatException e) {
      problems.add(key + ": '" + value + "' is not a whole number");
      return min;
    }
  }

  double decimal(String key, double min, double max) {
    String value = string(key);
    if (value.isEmpty()) {
      return min; // already reported as unset
    }
    try {
      double parsed = Double.parseDouble(value);
      if (!(parsed >= min && parsed <= max)) {
        problems.add(key + ": " + value + " is outside " + min + ".." + max);
      }
      return parsed;
    } catch (NumberFormatException e) {
      problems.add(key + ": '" + value + "' is not a number");
      return min;
    }
  }

  boolean bool(String key) {
    String value = string(key).toLowerCase(java.util.Locale.ROOT);
    if (!value.isEmpty() && !value.equals("true") && !value.equals("false")) {
      problems.add(key + ": '" + value + "' is not true or false");
    }
    return value.equals("true");
  }

  /** A duration above zero. */
  Duration duration(String key) {
    String value = string(key);
    return value.isEmpty() ? null : parse(key, value, ConfigReader::positive);
  }

  List<Duration> durations(String key) {
    return list(key).stream().map(v -> parse(key, v, ConfigReader::positive)).toList();
  }

  private static Duration positive(String text) {
    Duration d = Durations.parse(text);
    if (d.isZero()) {
      throw new IllegalArgumentException("'" + text + "' must be longer than 0");
    }
    return d;
  }

  String oneOf(String key, Set<String> allowed) {
    String value = string(key);
    if (!value.isEmpty() && !allowed.contains(value)) {
      problems.add(key + ": '" + value + "' is not one of " + allowed);
    }
    return value;
  }

  <T> T parse(String key, String value, Function<String, T> parser) {
    try {
      return parser.apply(value);
    } catch (IllegalArgumentException e) {
      problems.add(key + ": " + e.getMessage());
      return null;
    }
  }

  void problem(String message) {
    problems.add(message);
  }

  List<String> problems() {
    return problems;
  }
}
