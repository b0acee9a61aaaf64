package org.msgcenter.center.peers;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An SMS gateway as the center's SMS channel expects one (docs/channels.md): it checks the access
 * key and the request signature, refuses numbers that are not mobile numbers (for +86, the mobile
 * ranges only, as a carrier does), sends a request with a known {@code Idempotency-Key} once, and
 * answers like a carrier gateway under load when told to.
 */
public final class SmsGateway extends HttpPeer {
  public static final String PATH = "/sms/send";
  public static final String KEY_ID = "LTAI-test-key";
  public static final String SECRET = "sms-test-secret";

  private static final Pattern PHONE = Pattern.compile("\\+?[1-9][0-9]{6,14}");

  /** Mainland China mobile numbers: +86, then 1, 3-9, and nine digits. */
  private static final Pattern CN_MOBILE = Pattern.compile("\\+861[3-9][0-9]{9}");

  /** A text the gateway accepted. */
  public record Text(
      String phone,
      String signName,
      String templateCode,
      String content,
      String outId,
      String bizId) {}

  private final List<Text> sent = new CopyOnWriteArrayList<>();
  private final Map<String, String> bizIdByKey = new ConcurrentHashMap<>();
  private final Set<String> throttled = ConcurrentHashMap.newKeySet();
  private final Set<String> failing = ConcurrentHashMap.newKeySet();
  private final Set<String> stalled = ConcurrentHashMap.newKeySet();
  private final AtomicLong ids = new AtomicLong(9_006_197_000L);
  private volatile boolean down;

  /** The channel's settings for this gateway, without the {@code channel.sms.} prefix. */
  public Map<String, String> channelSettings() {
    return Map.of(
        "url",
        url(PATH),
        "accessKeyId",
        KEY_ID,
        "accessKeySecret",
        SECRET,
        "signName",
        "Bank",
        "templateCode",
        "SMS_0001");
  }

  /** Texts to {@code phone} are answered THROTTLED (HTTP 429, Retry-After: 1). */
  public SmsGateway throttle(String phone) {
    throttled.add(phone);
    return this;
  }

  /** Texts to {@code phone} are accepted again. */
  public SmsGateway allow(String phone) {
    throttled.remove(phone);
    failing.remove(phone);
    stalled.remove(phone);
    return this;
  }

  /** Texts to {@code phone} are answered HTTP 500. */
  public SmsGateway fail(String phone) {
    failing.add(phone);
    return this;
  }

  /** Texts to {@code phone} get no answer for 5 s. */
  public SmsGateway stall(String phone) {
    stalled.add(phone);
    return this;
  }

  /** Every request is answered HTTP 503 until {@link #up}. */
  public SmsGateway down() {
    down = true;
    return this;
  }

  public SmsGateway up() {
    down = false;
    return this;
  }

  public List<Text> sent() {
    return List.copyOf(sent);
  }

  public List<Text> sentTo(String phone) {
    return sent.stream().filter(t -> t.phone().equals(phone)).toList();
  }

  @Override
  protected Answer answer(Request r) throws Exception {
    if (!r.path().equals(PATH) || !r.method().equals("POST")) {
      return Answer.json(404, Map.of("code", "NOT_FOUND", "message", "no such API"));
    }
    if (down) {
      return Answer.json(503, Map.of("code", "SERVICE_UNAVAILABLE", "message", "try again later"));
    }
    if (!KEY_ID.equals(r.header("X-Sms-Access-Key-Id"))) {
      return Answer.json(
          403, Map.of("code", "INVALID_ACCESS_KEY", "message", "unknown access key"));
    }
    String expected =
        sign(r.path(), r.header("X-Sms-Timestamp"), r.header("X-Sms-Nonce"), r.body());
    if (!MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.UTF_8),
        String.valueOf(r.header("X-Sms-Signature")).getBytes(StandardCharsets.UTF_8))) {
      return Answer.json(
          403, Map.of("code", "SIGNATURE_MISMATCH", "message", "signature does not match"));
    }
    var json = r.json();
    String phone = json.path("phoneNumbers").asText();
    if (!PHONE.matcher(phone).matches()
        || (phone.startsWith("+86") && !CN_MOBILE.matcher(phone).matches())) {
      return Answer.json(
          400, Map.of("code", "INVALID_NUMBER", "message", "invalid mobile number " + phone));
    }
    if (throttled.contains(phone)) {
      return Answer.json(
              429, Map.of("code", "THROTTLED", "message", "too many texts to this number"))
          .header("Retry-After", "1");
    }
    if (failing.contains(phone)) {
      return Answer.json(500, Map.of("code", "SYSTEM_ERROR", "message", "carrier link down"));
    }
    if (stalled.contains(phone)) {
      return Answer.json(200, Map.of("code", "OK")).after(Duration.ofSeconds(5));
    }
    String key = r.header("Idempotency-Key");
    boolean[] fresh = {false};
    String bizId =
        bizIdByKey.computeIfAbsent(
            key == null ? "none-" + ids.incrementAndGet() : key,
            k -> {
              fresh[0] = true;
              return ids.incrementAndGet() + "^0";
            });
    if (fresh[0]) {
      sent.add(
          new Text(
              phone,
              json.path("signName").asText(),
              json.path("templateCode").asText(),
              json.path("templateParam").path("content").asText(),
              json.path("outId").asText(),
              bizId));
    }
    return Answer.json(
        200, Map.of("code", "OK", "message", "OK", "bizId", bizId, "requestId", "req-" + bizId));
  }

  private static String sign(String path, String timestamp, String nonce, byte[] body)
      throws Exception {
    String bodyHash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    String toSign = "POST\n" + path + "\n" + timestamp + "\n" + nonce + "\n" + bodyHash;
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return Base64.getEncoder().encodeToString(mac.doFinal(toSign.getBytes(StandardCharsets.UTF_8)));
  }
}
