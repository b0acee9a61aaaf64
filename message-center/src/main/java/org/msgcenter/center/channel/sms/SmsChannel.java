package org.msgcenter.center.channel.sms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.msgcenter.center.channel.Addresses;
import org.msgcenter.center.channel.Channel;
import org.msgcenter.center.channel.ChannelOutcome;
import org.msgcenter.center.channel.ChannelOutcome.PermanentFailure;
import org.msgcenter.center.channel.ChannelOutcome.RetryableFailure;
import org.msgcenter.center.channel.ChannelOutcome.Sent;
import org.msgcenter.center.channel.OutboundDelivery;
import org.msgcenter.center.channel.internal.GatewayClient;
import org.msgcenter.center.channel.internal.GatewayFailures;
import org.msgcenter.center.channel.internal.Signatures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a text through the SMS gateway: a signed JSON POST per delivery, the delivery id as {@code
 * outId} and {@code Idempotency-Key}, so the gateway sends a retried request once.
 *
 * <p>The signature is {@code X-Sms-Signature: base64(HMAC-SHA256(accessKeySecret, stringToSign))}
 * with {@code stringToSign = "POST\n" + path + "\n" + timestamp + "\n" + nonce + "\n" +
 * hex(SHA-256(body))}, the timestamp in unix seconds and the nonce a fresh UUID, each also sent in
 * its header.
 */
final class SmsChannel implements Channel {
  static final String KEY_ID = "X-Sms-Access-Key-Id";
  static final String TIMESTAMP = "X-Sms-Timestamp";
  static final String NONCE = "X-Sms-Nonce";
  static final String SIGNATURE = "X-Sms-Signature";
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  private static final Logger log = LoggerFactory.getLogger(SmsChannel.class);
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private final SmsSettings settings;
  private final Clock clock;
  private final GatewayClient client;
  private final String what;

  SmsChannel(SmsSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.client =
        new GatewayClient(SmsChannelProvider.NAME, settings.timeout(), settings.threads());
    this.what = "SMS gateway " + Addresses.maskUrl(settings.url().toString());
  }

  @Override
  public String name() {
    return SmsChannelProvider.NAME;
  }

  @Override
  public CompletionStage<ChannelOutcome> send(OutboundDelivery d) {
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(request(d));
    } catch (IOException e) {
      return CompletableFuture.completedFuture(
          new PermanentFailure("cannot write the request as JSON: " + e.getMessage()));
    }
    String timestamp = Long.toString(clock.instant().getEpochSecond());
    String nonce = UUID.randomUUID().toString();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(IDEMPOTENCY_KEY, d.deliveryId());
    headers.put(KEY_ID, settings.accessKeyId());
    headers.put(TIMESTAMP, timestamp);
    headers.put(NONCE, nonce);
    headers.put(
        SIGNATURE,
        sign(settings.accessKeySecret(), settings.url().getRawPath(), timestamp, nonce, body));
    return client
        .postJson(settings.url(), headers, body)
        .handle(
            (response, error) ->
                response != null
                    ? outcome(response)
                    : GatewayFailures.from(error, settings.url(), what, settings.timeout()))
        .thenApply(
            outcome -> {
              log.debug(
                  "SMS deliveryId={} messageId={} attempt={}: {}",
                  d.deliveryId(),
                  d.messageId(),
                  d.attempt(),
                  outcome);
              return outcome;
            });
  }

  private Map<String, Object> request(OutboundDelivery d) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("phoneNumbers", d.address());
    json.put("signName", settings.signName());
    json.put("templateCode", settings.templateCode());
    json.put("templateParam", Map.of("content", d.content()));
    json.put("outId", d.deliveryId());
    return json;
  }

  static String sign(String secret, String path, String timestamp, String nonce, byte[] body) {
    String toSign =
        "POST\n"
            + (path == null || path.isEmpty() ? "/" : path)
            + "\n"
            + timestamp
            + "\n"
            + nonce
            + "\n"
            + Signatures.sha256Hex(body);
    return Signatures.base64(
        Signatures.hmacSha256(secret, toSign.getBytes(StandardCharsets.UTF_8)));
  }

  /** The gateway's answer as an outcome; the table is in {@link SmsChannelProvider}. */
  ChannelOutcome outcome(GatewayClient.Response r) {
    JsonNode json = parse(r.body());
    String code = json == null ? "" : json.path("code").asText("");
    String message = json == null ? "" : json.path("message").asText("");
    String said =
        code.isEmpty()
            ? GatewayFailures.quote(r.text(), settings.url())
            : code
                + (message.isEmpty() ? "" : ": " + GatewayFailures.quote(message, settings.url()));
    String reason = what + " answered HTTP " + r.status() + (said.isEmpty() ? "" : ", " + said);
    if (r.ok() && code.equals("OK")) {
      String receipt = json.path("bizId").asText(json.path("requestId").asText(null));
      return new Sent(receipt);
    }
    if (r.status() == 429 || code.equals("THROTTLED")) {
      return new RetryableFailure(reason, GatewayFailures.retryAfter(r.headers(), clock));
    }
    if (code.equals("INVALID_NUMBER")) {
      return new PermanentFailure(reason);
    }
    if (r.status() >= 500 || r.status() == 408 || (r.ok() && json == null)) {
      return new RetryableFailure(reason, GatewayFailures.retryAfter(r.headers(), clock));
    }
    if (r.status() == 401
        || r.status() == 403
        || code.equals("SIGNATURE_MISMATCH")
        || code.equals("INVALID_ACCESS_KEY")) {
      return new RetryableFailure(
          reason + "; check channel.sms.accessKeyId and channel.sms.accessKeySecret");
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
    return "SmsChannel{" + settings + "}";
  }
}
