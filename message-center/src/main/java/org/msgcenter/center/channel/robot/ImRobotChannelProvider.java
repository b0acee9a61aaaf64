package org.msgcenter.center.channel.robot;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.msgcenter.api.Recipient;
import org.msgcenter.center.channel.Channel;
import org.msgcenter.center.channel.ChannelContext;
import org.msgcenter.center.channel.ChannelProvider;

/**
 * The {@code im-robot} channel: posts notifications into group chats through the group robots of
 * DingTalk, Feishu (Lark) and WeCom, each in its own message format, text or markdown, with
 * DingTalk's and Feishu's request signing.
 *
 * <p><b>Addresses.</b> Recipients do not carry robot URLs; robots are configured by name ({@code
 * channel.im-robot.robot.<name>.*}, see {@link RobotSettings}) and a route names the robots its
 * notifications go to: {@code route.<pattern>.target.im-robot=ops} or {@code =ops,payments-team}
 * (one delivery per robot). The delivery's address is the robot's name, so a robot's URL and token
 * live only in the configuration and never appear in the database, views or logs (which show the
 * URL as {@code scheme://host/***}). A route without a target gives a SKIPPED delivery; a target
 * naming an unknown robot stops the start.
 *
 * <p><b>Off until configured.</b> {@code channel.im-robot.enabled} defaults to {@code false}.
 *
 * <p><b>Outcomes.</b> The robot's {@code errcode}/{@code code} 0: sent. Rate limits (DingTalk
 * 130101, Feishu 9499 and 11232, WeCom 45009), system busy (-1), HTTP 429 and 5xx, timeouts and
 * connection failures: retryable. Anything else the robot refuses (bad signature, keyword or IP not
 * allowed, unknown token, malformed message): permanent, with the robot's code and message. No
 * robot has an idempotency key.
 */
public final class ImRobotChannelProvider implements ChannelProvider {
  /** The channel's name. */
  public static final String NAME = "im-robot";

  /**
   * Off by default. Group robots take about 20 messages a minute each: a small capacity, and
   * retries spaced to let the minute pass.
   */
  static final Map<String, String> DEFAULTS =
      Map.of(
          "enabled", "false",
          "capacity", "16",
          "threads", "2",
          "timeout", "5s",
          "retry.maxAttempts", "5",
          "retry.initialBackoff", "30s",
          "retry.maxBackoff", "10m");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Map<String, String> defaults() {
    return DEFAULTS;
  }

  /** The robots the route's target names, in order, each once. */
  @Override
  public List<String> addresses(Recipient recipient, String target) {
    if (target == null) {
      return List.of();
    }
    return Arrays.stream(target.split(","))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .distinct()
        .toList();
  }

  @Override
  public Channel create(ChannelContext context) {
    return new ImRobotChannel(RobotSettings.from(context), context.clock());
  }
}
