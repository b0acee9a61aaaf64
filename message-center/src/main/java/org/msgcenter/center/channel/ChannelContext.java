package org.msgcenter.center.channel;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What the center gives a channel when it makes it: its settings (the {@code channel.<name>.*} keys
 * of the configuration, with the prefix removed), the clock, and shared clients.
 */
public interface ChannelContext {

  /** The channel's settings, prefix removed: {@code channel.webhook.timeout} is {@code timeout}. */
  Map<String, String> settings();

  default Optional<String> setting(String key) {
    return Optional.ofNullable(settings().get(key));
  }

  /** A required setting; an error names the full key when it is missing. */
  String requireSetting(String key);

  /** A duration setting such as {@code 5s}, {@code 250ms}, {@code 2m}; the default when absent. */
  Duration durationSetting(String key, Duration defaultValue);

  /** An integer setting; the default when absent. */
  int intSetting(String key, int defaultValue);

  /** A boolean setting ({@code true} or {@code false}); the default when absent. */
  boolean booleanSetting(String key, boolean defaultValue);

  Clock clock();

  /** Kafka producer settings of the center (bootstrap servers, client id prefix). */
  Map<String, Object> kafkaProducerSettings();
}
