package org.msgcenter.center.channel.webhook;

import java.time.Duration;
import org.msgcenter.center.channel.ChannelContext;
import org.msgcenter.center.config.ConfigException;

/**
 * The webhook channel's settings, read once when the channel is made. Defaults and meaning are
 * documented on {@link WebhookChannelProvider}.
 */
record WebhookSettings(
    Duration timeout,
    String secret,
    boolean allowPrivateTargets,
    int maxBodyBytes,
    String userAgent) {

  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  static final boolean DEFAULT_ALLOW_PRIVATE_TARGETS = false;
  static final int DEFAULT_MAX_BODY_BYTES = 1024;
  static final int MAX_MAX_BODY_BYTES = 64 * 1024;
  static final String DEFAULT_USER_AGENT = "msgcenter-webhook/1";

  static WebhookSettings from(ChannelContext context) {
    Duration timeout = context.durationSetting("timeout", DEFAULT_TIMEOUT);
    if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
      throw invalid("timeout", timeout.toString(), "must be between 1ms and 5m");
    }
    String secret = context.requireSetting("secret");
    if (secret.isBlank()) {
      throw invalid("secret", null, "must not be blank");
    }
    int maxBodyBytes = context.intSetting("maxBodyBytes", DEFAULT_MAX_BODY_BYTES);
    if (maxBodyBytes < 0 || maxBodyBytes > MAX_MAX_BODY_BYTES) {
      throw invalid(
          "maxBodyBytes",
          Integer.toString(maxBodyBytes),
          "must be between 0 and " + MAX_MAX_BODY_BYTES);
    }
    String userAgent = context.setting("userAgent").orElse(DEFAULT_USER_AGENT).strip();
    if (userAgent.isEmpty() || !userAgent.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      throw invalid("userAgent", userAgent, "must be printable ASCII and not empty");
    }
    return new WebhookSettings(
        timeout,
        secret,
        context.booleanSetting("allowPrivateTargets", DEFAULT_ALLOW_PRIVATE_TARGETS),
        maxBodyBytes,
        userAgent);
  }

  private static ConfigException invalid(String key, String value, String rule) {
    return new ConfigException(
        "channel.webhook." + key + (value == null ? " " : " = \"" + value + "\" ") + rule);
  }

  /** Never shows the secret. */
  @Override
  public String toString() {
    return "WebhookSettings{timeout="
        + timeout
        + ", secret=***, allowPrivateTargets="
        + allowPrivateTargets
        + ", maxBodyBytes="
        + maxBodyBytes
        + ", userAgent="
        + userAgent
        + "}";
  }
}
