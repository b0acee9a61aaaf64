package org.msgcenter.center.channel;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.msgcenter.center.config.Settings;

/** The {@link ChannelContext} the center hands each provider. */
public final class CenterChannelContext implements ChannelContext {
  private final String channel;
  private final Map<String, String> settings;
  private final Clock clock;
  private final Map<String, Object> kafka;

  public CenterChannelContext(
      String channel, Map<String, String> settings, Clock clock, Map<String, Object> kafka) {
    this.channel = channel;
    this.settings = Map.copyOf(settings);
    this.clock = clock;
    this.kafka = Map.copyOf(kafka);
  }

  @Override
  public Map<String, String> settings() {
    return settings;
  }

  private String key(String k) {
    return "channel." + channel + "." + k;
  }

  @Override
  public String requireSetting(String key) {
    String v = settings.get(key);
    if (v == null || v.isBlank()) {
      throw Settings.error(key(key), null, "is required by channel " + channel);
    }
    return v;
  }

  @Override
  public Duration durationSetting(String key, Duration defaultValue) {
    String v = settings.get(key);
    return v == null || v.isBlank() ? defaultValue : Settings.parseDuration(key(key), v);
  }

  @Override
  public int intSetting(String key, int defaultValue) {
    String v = settings.get(key);
    if (v == null || v.isBlank()) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw Settings.error(key(key), v, "must be a whole number");
    }
  }

  @Override
  public boolean booleanSetting(String key, boolean defaultValue) {
    String v = settings.get(key);
    if (v == null || v.isBlank()) {
      return defaultValue;
    }
    return switch (v.trim()) {
      case "true" -> true;
      case "false" -> false;
      default -> throw Settings.error(key(key), v, "must be true or false");
    };
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public Map<String, Object> kafkaProducerSettings() {
    return kafka;
  }
}
