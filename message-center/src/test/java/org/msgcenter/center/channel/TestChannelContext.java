package org.msgcenter.center.channel;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A {@link ChannelContext} for tests: settings from a map, a given clock and Kafka settings. */
public final class TestChannelContext implements ChannelContext {
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

  private final String channel;
  private final Map<String, String> settings = new HashMap<>();
  private final Map<String, Object> kafka = new HashMap<>();
  private Clock clock = Clock.systemUTC();

  public TestChannelContext(String channel) {
    this.channel = channel;
  }

  public TestChannelContext with(String key, String value) {
    settings.put(key, value);
    return this;
  }

  public TestChannelContext clock(Clock clock) {
    this.clock = clock;
    return this;
  }

  public TestChannelContext kafka(String key, Object value) {
    kafka.put(key, value);
    return this;
  }

  @Override
  public Map<String, String> settings() {
    return Map.copyOf(settings);
  }

  @Override
  public String requireSetting(String key) {
    return setting(key)
        .orElseThrow(
            () -> new IllegalArgumentException("channel." + channel + "." + key + " is required"));
  }

  @Override
  public Duration durationSetting(String key, Duration defaultValue) {
    return setting(key)
        .map(
            v -> {
              Matcher m = DURATION.matcher(v);
              if (!m.matches()) {
                throw new IllegalArgumentException("channel." + channel + "." + key + " = " + v);
              }
              long n = Long.parseLong(m.group(1));
              return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
              };
            })
        .orElse(defaultValue);
  }

  @Override
  public int intSetting(String key, int defaultValue) {
    return setting(key).map(Integer::parseInt).orElse(defaultValue);
  }

  @Override
  public boolean booleanSetting(String key, boolean defaultValue) {
    return setting(key).map(Boolean::parseBoolean).orElse(defaultValue);
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public Map<String, Object> kafkaProducerSettings() {
    return Map.copyOf(kafka);
  }
}
