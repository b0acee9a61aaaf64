package org.msgcenter.notifier.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Flat key/value settings read from a properties file, overridden by environment variables and
 * system properties, with typed getters whose errors name the key and the bad value.
 *
 * <p>Environment override: {@code MSGCENTER_NOTIFIER_} followed by the key in upper case with dots
 * and dashes as underscores ({@code jwt.secret} is {@code MSGCENTER_NOTIFIER_JWT_SECRET}; the
 * prefix keeps the notifier apart from the center, whose keys overlap). It applies to keys present
 * in the file or given as defaults. {@code jwt.secret} is also read from {@code
 * MSGCENTER_JWT_SECRET}, the variable business-access reads for the same secret, so one variable
 * sets it for both; the notifier's own variable wins over it. A system property with the exact key
 * ({@code -Djwt.secret=...}) wins over all of them.
 */
public final class Settings {
  /** What every environment override starts with. */
  public static final String ENV_PREFIX = "MSGCENTER_NOTIFIER_";

  /** Keys also read under the plain {@code MSGCENTER_} prefix that every program shares. */
  public static final Set<String> SHARED = Set.of("jwt.secret");

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private final String origin;
  private final Map<String, String> values;

  public Settings(String origin, Map<String, String> values) {
    this.origin = origin;
    this.values = new TreeMap<>(values);
  }

  /**
   * Reads {@code file} over {@code defaults}, then applies the environment and system properties.
   */
  public static Settings load(
      Path file, Map<String, String> defaults, Map<String, String> env, Properties system) {
    Map<String, String> merged = new LinkedHashMap<>(defaults);
    if (file != null) {
      if (!Files.isReadable(file)) {
        throw new ConfigException("configuration file " + file + " cannot be read");
      }
      Properties p = new Properties();
      try (InputStream in = Files.newInputStream(file)) {
        p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
      } catch (IOException | IllegalArgumentException e) {
        throw new ConfigException(
            "configuration file " + file + " is not valid: " + e.getMessage());
      }
      p.stringPropertyNames().forEach(k -> merged.put(k, p.getProperty(k).trim()));
    }
    for (String key : Map.copyOf(merged).keySet()) {
      String shared = SHARED.contains(key) ? env.get(sharedEnvName(key)) : null;
      if (shared != null) {
        merged.put(key, shared.trim());
      }
      String fromEnv = env.get(envName(key));
      if (fromEnv != null) {
        merged.put(key, fromEnv.trim());
      }
      String fromSystem = system.getProperty(key);
      if (fromSystem != null) {
        merged.put(key, fromSystem.trim());
      }
    }
    return new Settings(file == null ? "defaults" : file.toString(), merged);
  }

  /** The environment variable that overrides {@code key}. */
  public static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** The variable every program reads for a {@link #SHARED} key. */
  public static String sharedEnvName(String key) {
    return "MSGCENTER_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  public Map<String, String> asMap() {
    return values;
  }

  /** Every key under {@code prefix}, with the prefix removed. */
  public Map<String, String> withPrefix(String prefix) {
    Map<String, String> out = new TreeMap<>();
    values.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)) {
            out.put(k.substring(prefix.length()), v);
          }
        });
    return out;
  }

  public Optional<String> optional(String key) {
    String v = values.get(key);
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
  }

  public String string(String key) {
    return optional(key).orElseThrow(() -> error(key, null, "is required"));
  }

  public String string(String key, String defaultValue) {
    return optional(key).orElse(defaultValue);
  }

  public int integer(String key, int defaultValue, int min, int max) {
    Optional<String> v = optional(key);
    if (v.isEmpty()) {
      return defaultValue;
    }
    try {
      int n = Integer.parseInt(v.get());
      if (n < min || n > max) {
        throw error(key, v.get(), "must be between " + min + " and " + max);
      }
      return n;
    } catch (NumberFormatException e) {
      throw error(key, v.get(), "must be a whole number");
    }
  }

  public boolean bool(String key, boolean defaultValue) {
    Optional<String> v = optional(key);
    if (v.isEmpty()) {
      return defaultValue;
    }
    return switch (v.get()) {
      case "true" -> true;
      case "false" -> false;
      default -> throw error(key, v.get(), "must be true or false");
    };
  }

  public Duration duration(String key, Duration defaultValue) {
    Optional<String> v = optional(key);
    return v.isEmpty() ? defaultValue : parseDuration(key, v.get());
  }

  /** Parses {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 1d}. */
  public static Duration parseDuration(String key, String text) {
    Matcher m = DURATION.matcher(text);
    if (!m.matches()) {
      throw error(key, text, "must be a duration like 250ms, 5s, 2m, 1h or 1d");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  public static ConfigException error(String key, String value, String rule) {
    return new ConfigException(
        key
            + (value == null ? " " : " = \"" + value + "\" ")
            + rule
            + " (set it in the configuration file or as "
            + envName(key)
            + ")");
  }

  @Override
  public String toString() {
    return "Settings{" + origin + "}";
  }
}
