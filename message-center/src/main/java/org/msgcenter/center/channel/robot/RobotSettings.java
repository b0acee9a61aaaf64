package org.msgcenter.center.channel.robot;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.msgcenter.center.channel.ChannelContext;
import org.msgcenter.center.channel.internal.GatewayFailures;
import org.msgcenter.center.config.ConfigException;

/**
 * The IM robot channel's settings ({@code channel.im-robot.*}), read and checked once when the
 * channel is made:
 *
 * <pre>
 * channel.im-robot.enabled=true
 * channel.im-robot.robot.ops.type=dingtalk
 * channel.im-robot.robot.ops.url=https://oapi.dingtalk.com/robot/send?access_token=...
 * channel.im-robot.robot.ops.secret=SEC...
 * channel.im-robot.robot.ops.format=markdown
 * </pre>
 *
 * Per robot: {@code type} ({@code dingtalk}, {@code feishu} or {@code wecom}, required), {@code
 * url} (required; the token is part of it), {@code secret} (DingTalk and Feishu signing; WeCom
 * robots are not signed), {@code format} ({@code text}, the default, or {@code markdown}). Names
 * are 1–32 of {@code a-z 0-9 _ -}. For the channel: {@code timeout} (default 5s) and {@code
 * threads} (default 2).
 *
 * @param robots the robots by name; at least one
 */
record RobotSettings(Map<String, Robot> robots, Duration timeout, int threads) {

  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  static final int DEFAULT_THREADS = 2;

  private static final Pattern NAME = Pattern.compile("[a-z0-9_-]{1,32}");
  private static final Set<String> ROBOT_KEYS = Set.of("type", "url", "secret", "format");

  static RobotSettings from(ChannelContext c) {
    Map<String, Map<String, String>> byName = new TreeMap<>();
    c.settings()
        .forEach(
            (key, value) -> {
              if (!key.startsWith("robot.")) {
                return;
              }
              String rest = key.substring("robot.".length());
              int dot = rest.lastIndexOf('.');
              String name = dot > 0 ? rest.substring(0, dot) : "";
              String setting = rest.substring(dot + 1);
              if (!NAME.matcher(name).matches() || !ROBOT_KEYS.contains(setting)) {
                throw new ConfigException(
                    "channel.im-robot."
                        + key
                        + " is not a robot setting; use channel.im-robot.robot.<name>."
                        + ROBOT_KEYS
                        + " with a name of a-z, 0-9, _ and -");
              }
              byName.computeIfAbsent(name, n -> new TreeMap<>()).put(setting, value.strip());
            });
    if (byName.isEmpty()) {
      throw new ConfigException(
          "channel.im-robot needs at least one robot: channel.im-robot.robot.<name>.type and .url");
    }
    Map<String, Robot> robots = new TreeMap<>();
    byName.forEach((name, s) -> robots.put(name, robot(name, s)));
    Duration timeout = c.durationSetting("timeout", DEFAULT_TIMEOUT);
    if (timeout.isZero() || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
      throw new ConfigException(
          "channel.im-robot.timeout = \"" + timeout + "\" must be between 1ms and 5m");
    }
    int threads = c.intSetting("threads", DEFAULT_THREADS);
    if (threads < 1 || threads > 64) {
      throw new ConfigException(
          "channel.im-robot.threads = \"" + threads + "\" must be between 1 and 64");
    }
    return new RobotSettings(Map.copyOf(robots), timeout, threads);
  }

  private static Robot robot(String name, Map<String, String> s) {
    String p = "channel.im-robot.robot." + name + ".";
    String typeText = s.get("type");
    if (typeText == null || typeText.isEmpty()) {
      throw new ConfigException(p + "type is required: dingtalk, feishu or wecom");
    }
    Robot.Kind kind;
    try {
      kind = Robot.Kind.valueOf(typeText.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          p + "type = \"" + typeText + "\" must be dingtalk, feishu or wecom");
    }
    String urlText = s.get("url");
    if (urlText == null || urlText.isEmpty()) {
      throw new ConfigException(p + "url is required: the robot's webhook URL");
    }
    URI url = GatewayFailures.gatewayUrl(p + "url", urlText);
    String secret = s.get("secret");
    if (secret != null && secret.isEmpty()) {
      secret = null;
    }
    if (secret != null && kind == Robot.Kind.WECOM) {
      throw new ConfigException(
          p + "secret: WeCom robots are not signed (the key in the URL is their credential)");
    }
    String formatText = s.getOrDefault("format", "text");
    Robot.Format format;
    try {
      format = Robot.Format.valueOf(formatText.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(p + "format = \"" + formatText + "\" must be text or markdown");
    }
    return new Robot(name, kind, url, secret, format);
  }

  @Override
  public String toString() {
    return "RobotSettings{robots=" + robots.values() + ", timeout=" + timeout + "}";
  }
}
