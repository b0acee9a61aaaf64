package org.msgcenter.center.peers;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The group-robot webhooks of DingTalk ({@code /robot/send?access_token=}), Feishu ({@code
 * /open-apis/bot/v2/hook/<id>}) and WeCom ({@code /cgi-bin/webhook/send?key=}), each checking its
 * token, its signature (DingTalk's and Feishu's, when the robot has a secret) and its message
 * format, and answering in its own way, rate limits included.
 */
public final class RobotServer extends HttpPeer {
  public static final String DINGTALK_TOKEN = "ding-access-token-0123";
  public static final String DINGTALK_SECRET = "SECding-secret";
  public static final String FEISHU_HOOK = "feishu-hook-4567";
  public static final String FEISHU_SECRET = "feishu-secret";
  public static final String WECOM_KEY = "wecom-key-89ab";

  /** A message a robot posted to its group. */
  public record Posted(String platform, JsonNode body) {}

  private final List<Posted> posted = new CopyOnWriteArrayList<>();
  private final Set<String> limited = ConcurrentHashMap.newKeySet();

  public String dingTalkUrl() {
    return url("/robot/send?access_token=" + DINGTALK_TOKEN);
  }

  public String feishuUrl() {
    return url("/open-apis/bot/v2/hook/" + FEISHU_HOOK);
  }

  public String weComUrl() {
    return url("/cgi-bin/webhook/send?key=" + WECOM_KEY);
  }

  /** The platform ({@code dingtalk}, {@code feishu}, {@code wecom}) answers with its rate limit. */
  public RobotServer limit(String platform) {
    limited.add(platform);
    return this;
  }

  public RobotServer unlimit(String platform) {
    limited.remove(platform);
    return this;
  }

  public List<Posted> posted(String platform) {
    return posted.stream().filter(p -> p.platform().equals(platform)).toList();
  }

  @Override
  protected Answer answer(Request r) throws Exception {
    if (r.path().equals("/robot/send")) {
      return dingTalk(r);
    }
    if (r.path().startsWith("/open-apis/bot/v2/hook/")) {
      return feishu(r);
    }
    if (r.path().equals("/cgi-bin/webhook/send")) {
      return weCom(r);
    }
    return Answer.json(404, "not found");
  }

  private Answer dingTalk(Request r) throws Exception {
    if (!DINGTALK_TOKEN.equals(r.param("access_token"))) {
      return errcode(300001, "token is not exist");
    }
    String timestamp = r.param("timestamp");
    String sign = r.param("sign");
    if (timestamp == null
        || sign == null
        || Math.abs(Instant.now().toEpochMilli() - Long.parseLong(timestamp)) > 3_600_000
        || !equal(
            sign,
            base64(
                hmac(
                    DINGTALK_SECRET,
                    (timestamp + "\n" + DINGTALK_SECRET).getBytes(StandardCharsets.UTF_8))))) {
      return errcode(
          310000, "sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]");
    }
    JsonNode body = r.json();
    String type = body.path("msgtype").asText();
    boolean valid =
        (type.equals("text") && body.path("text").hasNonNull("content"))
            || (type.equals("markdown")
                && body.path("markdown").hasNonNull("title")
                && body.path("markdown").hasNonNull("text"));
    if (!valid) {
      return errcode(40035, "缺少参数 json");
    }
    if (limited.contains("dingtalk")) {
      return errcode(130101, "send too fast, exceed 20 times per minute");
    }
    posted.add(new Posted("dingtalk", body));
    return errcode(0, "ok");
  }

  private Answer feishu(Request r) throws Exception {
    if (!r.path().endsWith("/" + FEISHU_HOOK)) {
      return Answer.json(
          200,
          Map.of(
              "code",
              19001,
              "msg",
              "param invalid: incoming webhook access token invalid",
              "data",
              Map.of()));
    }
    JsonNode body = r.json();
    String timestamp = body.path("timestamp").asText(null);
    String sign = body.path("sign").asText(null);
    if (timestamp == null
        || sign == null
        || Math.abs(Instant.now().getEpochSecond() - Long.parseLong(timestamp)) > 3_600
        || !equal(sign, base64(hmac(timestamp + "\n" + FEISHU_SECRET, new byte[0])))) {
      return Answer.json(
          200,
          Map.of(
              "code",
              19021,
              "msg",
              "sign match fail or timestamp is not within one hour from current time",
              "data",
              Map.of()));
    }
    String type = body.path("msg_type").asText();
    boolean valid =
        (type.equals("text") && body.path("content").hasNonNull("text"))
            || (type.equals("interactive") && body.path("card").path("elements").isArray());
    if (!valid) {
      return Answer.json(200, Map.of("code", 9499, "msg", "Bad Request", "data", Map.of()));
    }
    if (limited.contains("feishu")) {
      return Answer.json(
          200,
          Map.of(
              "code",
              11232,
              "msg",
              "frequency limited psm[lark.oapi.app_platform_runtime]appID[1]",
              "data",
              Map.of()));
    }
    posted.add(new Posted("feishu", body));
    return Answer.json(200, Map.of("code", 0, "msg", "success", "data", Map.of()));
  }

  private Answer weCom(Request r) {
    if (!WECOM_KEY.equals(r.param("key"))) {
      return errcode(93000, "invalid webhook url, hint: [1700000000_1_abc], from ip: 127.0.0.1");
    }
    JsonNode body = r.json();
    String type = body.path("msgtype").asText();
    boolean valid =
        (type.equals("text") && body.path("text").hasNonNull("content"))
            || (type.equals("markdown") && body.path("markdown").hasNonNull("content"));
    if (!valid) {
      return errcode(40008, "invalid message type");
    }
    if (limited.contains("wecom")) {
      return errcode(45009, "api freq out of limit");
    }
    posted.add(new Posted("wecom", body));
    return errcode(0, "ok");
  }

  private static Answer errcode(int code, String message) {
    return Answer.json(200, Map.of("errcode", code, "errmsg", message));
  }

  private static byte[] hmac(String key, byte[] data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return mac.doFinal(data);
  }

  private static String base64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  private static boolean equal(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
