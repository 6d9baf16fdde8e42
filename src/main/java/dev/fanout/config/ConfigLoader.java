package dev.fanout.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Merges the layers of configuration into one flat map, highest precedence last:
 *
 * <pre>
 *   built-in defaults (config/fanout.properties) &lt; --config FILE &lt; FANOUT_* environment &lt; flags
 * </pre>
 *
 * Keys that are neither known nor {@code kafka.*} pass-through are reported as problems, as is a
 * config file that cannot be read. The environment is passed in as a map so tests pass their own.
 */
public final class ConfigLoader {
  static final String DEFAULTS_RESOURCE = "/dev/fanout/config/fanout.properties";
  private static final String ENV_PREFIX = "FANOUT_";

  private ConfigLoader() {}

  public static Map<String, String> defaults() {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("built-in defaults missing: " + DEFAULTS_RESOURCE);
      }
      return toMap(readProperties(in));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read built-in defaults", e);
    }
  }

  /**
   * Loads and validates: the result is a configuration every part of Fanout can trust.
   *
   * @throws ConfigException with every problem of every layer, unknown keys and bad values alike
   */
  public static FanoutConfig load(
      Map<String, String> commandDefaults,
      Path configFile,
      Map<String, String> env,
      Map<String, String> flags) {
    List<String> problems = new ArrayList<>();
    Map<String, String> values = merge(commandDefaults, configFile, env, flags, problems);
    try {
      FanoutConfig config = FanoutConfig.from(values);
      if (problems.isEmpty()) {
        return config;
      }
    } catch (ConfigException e) {
      problems.addAll(e.problems());
    }
    throw new ConfigException(problems);
  }

  /**
   * @param commandDefaults a command's own defaults (the demo's short retry schedule), above the
   *     built-in defaults and below everything the user sets
   */
  static Map<String, String> merge(
      Map<String, String> commandDefaults,
      Path configFile,
      Map<String, String> env,
      Map<String, String> flags,
      List<String> problems) {
    Map<String, String> defaults = defaults();
    Map<String, String> merged = new LinkedHashMap<>(defaults);
    merged.putAll(commandDefaults);
    if (configFile != null) {
      try (Reader reader = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
        Properties p = new Properties();
        p.load(reader);
        Map<String, String> fileValues = toMap(p);
        fileValues.keySet().stream()
            .filter(k -> !isKnown(k, defaults))
            .forEach(k -> problems.add(k + ": unknown key in " + configFile));
        merged.putAll(fileValues);
      } catch (IOException e) {
        problems.add("--config: cannot read " + configFile + " (" + e.getMessage() + ")");
      }
    }
    for (String key : defaults.keySet()) {
      String value = env.get(envName(key));
      if (value != null) {
        merged.put(key, value);
      }
    }
    merged.putAll(kafkaFromEnvironment(env));
    flags.keySet().stream()
        .filter(k -> !isKnown(k, defaults))
        .forEach(k -> problems.add(k + ": unknown key"));
    merged.putAll(flags);
    return merged;
  }

  /**
   * Adds {@code FANOUT_KAFKA_*} environment variables as {@code kafka.*} keys. Kafka keys use dots
   * only, so the underscores map back to dots unambiguously.
   */
  static Map<String, String> kafkaFromEnvironment(Map<String, String> environment) {
    Map<String, String> out = new LinkedHashMap<>();
    environment.forEach(
        (name, value) -> {
          if (name.startsWith(ENV_PREFIX + "KAFKA_")
              && !name.equals(envName("kafka.bootstrap.servers"))) {
            String key = name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT);
            out.put(key.replace('_', '.'), value);
          }
        });
    return out;
  }

  public static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  private static boolean isKnown(String key, Map<String, String> defaults) {
    return defaults.containsKey(key) || key.startsWith("kafka.");
  }

  private static Properties readProperties(InputStream in) throws IOException {
    Properties p = new Properties();
    p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
    return p;
  }

  private static Map<String, String> toMap(Properties p) {
    Map<String, String> map = new LinkedHashMap<>();
    p.stringPropertyNames().stream().sorted().forEach(k -> map.put(k, p.getProperty(k).trim()));
    return map;
  }
}
