package org.msgcenter.center.channel.robot;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msgcenter.center.channel.OutboundDelivery;
import org.msgcenter.center.channel.internal.Signatures;

/**
 * Each platform's message body and signing.
 *
 * <ul>
 *   <li>DingTalk: {@code {"msgtype":"text","text":{"content":...}}} or {@code
 *       {"msgtype":"markdown","markdown":{"title":...,"text":...}}}; signed by adding {@code
 *       &timestamp=<ms>&sign=<s>} to the URL, where {@code s} is the URL-encoded Base64 of
 *       HMAC-SHA256, keyed with the secret, of {@code "<ms>\n<secret>"}.
 *   <li>Feishu: {@code {"msg_type":"text","content":{"text":...}}} or an interactive card with a
 *       header and a markdown element; signed by adding {@code "timestamp":"<s>"} and {@code
 *       "sign"} to the body, where {@code sign} is the Base64 of HMAC-SHA256, keyed with {@code
 *       "<s>\n<secret>"}, of no bytes.
 *   <li>WeCom: {@code {"msgtype":"text","text":{"content":...}}} or {@code
 *       {"msgtype":"markdown","markdown":{"content":...}}}; not signed.
 * </ul>
 */
final class RobotMessages {
  private RobotMessages() {}

  /** A request ready to POST: where to, and the JSON body as a map. */
  record Request(URI url, Map<String, Object> body) {}

  static Request request(Robot robot, OutboundDelivery d, Instant now) {
    return switch (robot.kind()) {
      case DINGTALK -> dingTalk(robot, d, now);
      case FEISHU -> feishu(robot, d, now);
      case WECOM -> new Request(robot.url(), weCom(robot, d));
    };
  }

  private static Request dingTalk(Robot robot, OutboundDelivery d, Instant now) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (robot.format() == Robot.Format.MARKDOWN) {
      body.put("msgtype", "markdown");
      body.put("markdown", Map.of("title", title(d), "text", markdown(d, "#### ")));
    } else {
      body.put("msgtype", "text");
      body.put("text", Map.of("content", text(d)));
    }
    URI url = robot.url();
    if (robot.secret() != null) {
      long ms = now.toEpochMilli();
      String sign =
          URLEncoder.encode(
              Signatures.base64(
                  Signatures.hmacSha256(
                      robot.secret(),
                      (ms + "\n" + robot.secret()).getBytes(StandardCharsets.UTF_8))),
              StandardCharsets.UTF_8);
      String u = url.toString();
      url = URI.create(u + (u.contains("?") ? "&" : "?") + "timestamp=" + ms + "&sign=" + sign);
    }
    return new Request(url, body);
  }

  private static Request feishu(Robot robot, OutboundDelivery d, Instant now) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (robot.secret() != null) {
      long s = now.getEpochSecond();
      body.put("timestamp", Long.toString(s));
      body.put("sign", feishuSign(s, robot.secret()));
    }
    if (robot.format() == Robot.Format.MARKDOWN) {
      body.put("msg_type", "interactive");
      body.put(
          "card",
          Map.of(
              "header", Map.of("title", Map.of("tag", "plain_text", "content", title(d))),
              "elements", List.of(Map.of("tag", "markdown", "content", d.content()))));
    } else {
      body.put("msg_type", "text");
      body.put("content", Map.of("text", text(d)));
    }
    return new Request(robot.url(), body);
  }

  static String feishuSign(long seconds, String secret) {
    return Signatures.base64(Signatures.hmacSha256(seconds + "\n" + secret, new byte[0]));
  }

  private static Map<String, Object> weCom(Robot robot, OutboundDelivery d) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (robot.format() == Robot.Format.MARKDOWN) {
      body.put("msgtype", "markdown");
      body.put("markdown", Map.of("content", markdown(d, "### ")));
    } else {
      body.put("msgtype", "text");
      body.put("text", Map.of("content", text(d)));
    }
    return body;
  }

  /** The title on its own line above the content, when there is one. */
  private static String text(OutboundDelivery d) {
    return d.title() == null || d.title().isBlank() ? d.content() : d.title() + "\n" + d.content();
  }

  /** The title as a heading above the content, which is taken as markdown. */
  private static String markdown(OutboundDelivery d, String heading) {
    return d.title() == null || d.title().isBlank()
        ? d.content()
        : heading + d.title() + "\n\n" + d.content();
  }

  /** Markdown messages need a title (DingTalk shows it in the chat list). */
  private static String title(OutboundDelivery d) {
    if (d.title() != null && !d.title().isBlank()) {
      return d.title();
    }
    return d.bizType() != null ? d.bizType() : "Notification";
  }
}
