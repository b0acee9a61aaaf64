package org.msgcenter.center.channel.robot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.msgcenter.center.channel.Channel;
import org.msgcenter.center.channel.ChannelOutcome;
import org.msgcenter.center.channel.ChannelOutcome.PermanentFailure;
import org.msgcenter.center.channel.ChannelOutcome.RetryableFailure;
import org.msgcenter.center.channel.ChannelOutcome.Sent;
import org.msgcenter.center.channel.OutboundDelivery;
import org.msgcenter.center.channel.internal.GatewayClient;
import org.msgcenter.center.channel.internal.GatewayFailures;
import org.msgcenter.center.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts each delivery to the robot its address names, in that robot's format, signed when the robot
 * has a secret. Reasons and logs name the robot and its URL masked, never the token.
 */
final class ImRobotChannel implements Channel {
  private static final Logger log = LoggerFactory.getLogger(ImRobotChannel.class);
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  /** Robots count their limit per minute: come back after it. */
  static final Duration RATE_LIMIT_WAIT = Duration.ofMinutes(1);

  /** Rate limits and "system busy" of each platform: worth trying again. */
  private static final Set<Integer> RETRYABLE_CODES = Set.of(-1, 130101, 9499, 11232, 45009);

  private final RobotSettings settings;
  private final Clock clock;
  private final GatewayClient client;

  ImRobotChannel(RobotSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.client =
        new GatewayClient(ImRobotChannelProvider.NAME, settings.timeout(), settings.threads());
  }

  @Override
  public String name() {
    return ImRobotChannelProvider.NAME;
  }

  /** Every robot a route names must be configured. */
  @Override
  public void checkTarget(String target) {
    for (String name : target.split(",")) {
      if (!name.isBlank() && !settings.robots().containsKey(name.strip())) {
        throw new ConfigException(
            "route target "
                + target
                + " for im-robot names robot "
                + name.strip()
                + ", which is not configured (channel.im-robot.robot."
                + name.strip()
                + ".*); robots: "
                + settings.robots().keySet());
      }
    }
  }

  @Override
  public CompletionStage<ChannelOutcome> send(OutboundDelivery d) {
    Robot robot = settings.robots().get(d.address());
    if (robot == null) {
      return CompletableFuture.completedFuture(
          new PermanentFailure(
              "no robot named "
                  + d.address()
                  + " (robots: "
                  + settings.robots().keySet()
                  + "); configure channel.im-robot.robot."
                  + d.address()
                  + ".*"));
    }
    RobotMessages.Request request = RobotMessages.request(robot, d, clock.instant());
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(request.body());
    } catch (IOException e) {
      return CompletableFuture.completedFuture(
          new PermanentFailure("cannot write the message as JSON: " + e.getMessage()));
    }
    return client
        .postJson(request.url(), Map.of(), body)
        .handle(
            (response, error) ->
                response != null
                    ? outcome(robot, response)
                    : GatewayFailures.from(error, robot.url(), robot.shown(), settings.timeout()))
        .thenApply(
            outcome -> {
              if (outcome instanceof Sent) {
                log.debug(
                    "IM robot deliveryId={} messageId={} attempt={} to {}: {}",
                    d.deliveryId(),
                    d.messageId(),
                    d.attempt(),
                    robot.shown(),
                    outcome);
              } else {
                log.info(
                    "IM robot deliveryId={} messageId={} attempt={} to {}: {}",
                    d.deliveryId(),
                    d.messageId(),
                    d.attempt(),
                    robot.shown(),
                    outcome);
              }
              return outcome;
            });
  }

  /**
   * The robot's answer: DingTalk and WeCom say {@code {"errcode":0,"errmsg":"ok"}}, Feishu {@code
   * {"code":0,"msg":"success"}} (older robots {@code {"StatusCode":0}}).
   */
  ChannelOutcome outcome(Robot robot, GatewayClient.Response r) {
    JsonNode json = parse(r.body());
    Integer code = null;
    String message = "";
    if (json != null) {
      for (String field : new String[] {"errcode", "code", "StatusCode"}) {
        if (json.has(field) && json.get(field).canConvertToInt()) {
          code = json.get(field).asInt();
          break;
        }
      }
      for (String field : new String[] {"errmsg", "msg", "StatusMessage"}) {
        if (json.hasNonNull(field)) {
          message = json.get(field).asText();
          break;
        }
      }
    }
    String reason =
        robot.shown()
            + " answered HTTP "
            + r.status()
            + (code == null ? "" : ", code " + code)
            + (message.isEmpty() ? "" : ": " + GatewayFailures.quote(message, robot.url()));
    if (r.ok() && code != null && code == 0) {
      return new Sent(null);
    }
    if (code != null && RETRYABLE_CODES.contains(code)) {
      Duration wait = GatewayFailures.retryAfter(r.headers(), clock);
      return new RetryableFailure(
          reason, wait != null ? wait : code == -1 ? null : RATE_LIMIT_WAIT);
    }
    if (r.status() == 429 || r.status() == 408 || r.status() >= 500 || (r.ok() && code == null)) {
      return new RetryableFailure(reason, GatewayFailures.retryAfter(r.headers(), clock));
    }
    return new PermanentFailure(reason);
  }

  private static JsonNode parse(byte[] body) {
    try {
      JsonNode n = JSON.readTree(body);
      return n != null && n.isObject() ? n : null;
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public void close() {
    client.close();
  }

  @Override
  public String toString() {
    return "ImRobotChannel{" + settings + "}";
  }
}
