package org.msgcenter.access.config;

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
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Flat key/value settings from a properties file over defaults, overridden by environment variables
 * and system properties, with typed getters whose errors name the key and the bad value.
 *
 * <p>Environment override: {@code MSGCENTER_} and the key in upper case with dots and dashes as
 * underscores ({@code jwt.secret} is {@code MSGCENTER_JWT_SECRET}), for keys present in the file or
 * the defaults. A system property with the exact key wins over both. The same rules as the message
 * center's, so one environment configures every program.
 */
public final class Settings {
  /** Keys also read from the environment under the plain {@code MSGCENTER_} prefix. */
  public static final java.util.Set<String> SHARED = java.util.Set.of("jwt.secret");

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private final Map<String, String> values;

  public Settings(Map<String, String> values) {
    this.values = new TreeMap<>(values);
  }

  /** Reads {@code file} (may be null) over {@code defaults}, then the environment and system. */
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
    return new Settings(merged);
  }

  /** The environment variable that overrides {@code key}. */
  public static String envName(String key) {
    return "MSGCENTER_ACCESS_" + upper(key);
  }

  /** The variable every program reads for a {@link #SHARED} key. */
  public static String sharedEnvName(String key) {
    return "MSGCENTER_" + upper(key);
  }

  private static String upper(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
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
    switch (v.get()) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw error(key, v.get(), "must be true or false");
    }
  }

  /** A duration like {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 1d}, positive. */
  public Duration duration(String key, Duration defaultValue) {
    Optional<String> v = optional(key);
    if (v.isEmpty()) {
      return defaultValue;
    }
    Matcher m = DURATION.matcher(v.get());
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw error(key, v.get(), "must be a positive duration like 250ms, 5s, 2m, 1h or 1d");
    }
    long n = Long.parseLong(m.group(1));
    switch (m.group(2)) {
      case "ms":
        return Duration.ofMillis(n);
      case "s":
        return Duration.ofSeconds(n);
      case "m":
        return Duration.ofMinutes(n);
      case "h":
        return Duration.ofHours(n);
      default:
        return Duration.ofDays(n);
    }
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
}
