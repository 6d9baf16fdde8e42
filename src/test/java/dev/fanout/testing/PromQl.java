package dev.fanout.testing;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names and label names a PromQL expression reads, found without a full parser: enough
 * for the expressions of our dashboard and alert rules (selectors, functions, aggregations with
 * {@code by}/{@code without}, vector matching, ranges and subqueries, Grafana variables).
 */
public final class PromQl {
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'");
  private static final Pattern SELECTOR =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)?\\s*\\{([^}]*)}");
  private static final Pattern MATCHER =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)\\s*\"");
  private static final Pattern GROUPING =
      Pattern.compile(
          "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
  private static final Pattern NUMBER =
      Pattern.compile("(?<![a-zA-Z0-9_:$])\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{?[a-zA-Z0-9_]+}?");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_VALUES =
      Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)[^,)]*,\\s*(\\w+)\\s*\\)");
  private static final Set<String> KEYWORDS =
      Set.of("and", "or", "unless", "bool", "offset", "inf", "nan", "atan2");

  /** What one expression reads. */
  public record Reads(Map<String, Set<String>> metrics, Set<String> groupingLabels) {}

  private PromQl() {}

  /**
   * The metric names an expression reads, each with the label names its matchers use, and the label
   * names it groups or matches by.
   */
  public static Reads reads(String expression) {
    Map<String, Set<String>> metrics = new LinkedHashMap<>();
    Set<String> grouping = new LinkedHashSet<>();
    Matcher labelValues = LABEL_VALUES.matcher(expression);
    if (labelValues.find()) {
      metrics.computeIfAbsent(labelValues.group(1), m -> new LinkedHashSet<>());
      grouping.add(labelValues.group(2));
      return new Reads(metrics, grouping);
    }
    // Selectors with matchers first: their braces hold label names and quoted values.
    StringBuilder rest = new StringBuilder();
    Matcher selector = SELECTOR.matcher(expression);
    while (selector.find()) {
      Set<String> labels = new LinkedHashSet<>();
      Matcher matcher = MATCHER.matcher(selector.group(2));
      while (matcher.find()) {
        labels.add(matcher.group(1));
      }
      String name = selector.group(1);
      if (name == null) {
        name = labels.contains("__name__") ? null : "";
      }
      if (name != null && !name.isEmpty()) {
        metrics.computeIfAbsent(name, m -> new LinkedHashSet<>()).addAll(labels);
      }
      selector.appendReplacement(rest, " ");
    }
    selector.appendTail(rest);
    String text = STRING.matcher(rest).replaceAll(" ");
    Matcher group = GROUPING.matcher(text);
    StringBuilder withoutGrouping = new StringBuilder();
    while (group.find()) {
      for (String label : group.group(2).split(",")) {
        if (!label.isBlank()) {
          grouping.add(label.strip());
        }
      }
      group.appendReplacement(withoutGrouping, " ");
    }
    group.appendTail(withoutGrouping);
    text = RANGE.matcher(withoutGrouping).replaceAll(" ");
    text = VARIABLE.matcher(text).replaceAll(" ");
    text = NUMBER.matcher(text).replaceAll(" ");
    Matcher identifier = IDENTIFIER.matcher(text);
    while (identifier.find()) {
      String name = identifier.group();
      boolean function = text.substring(identifier.end()).stripLeading().startsWith("(");
      if (!function && !KEYWORDS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
        metrics.computeIfAbsent(name, m -> new LinkedHashSet<>());
      }
    }
    return new Reads(metrics, grouping);
  }
}
