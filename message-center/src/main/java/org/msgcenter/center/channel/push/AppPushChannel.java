package org.msgcenter.center.channel.push;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one FCM-v1 message per delivery to its device token. FCM has no idempotency key; the
 * delivery id goes as the collapse key (Android {@code collapse_key}, APNs {@code
 * apns-collapse-id}), so a resend after a crash replaces the first on the device instead of showing
 * twice, and in {@code data.deliveryId} for the app to dedupe.
 */
final class AppPushChannel implements Channel {
  private static final Logger log = LoggerFactory.getLogger(AppPushChannel.class);
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN).build();

  private final AppPushSettings settings;
  private final Clock clock;
  private final GatewayClient client;
  private final String what;

  AppPushChannel(AppPushSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.client =
        new GatewayClient(AppPushChannelProvider.NAME, settings.timeout(), settings.threads());
    this.what = "push gateway " + Addresses.maskUrl(settings.url().toString());
  }

  @Override
  public String name() {
    return AppPushChannelProvider.NAME;
  }

  @Override
  public CompletionStage<ChannelOutcome> send(OutboundDelivery d) {
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(Map.of("message", message(d)));
    } catch (IOException e) {
      return CompletableFuture.completedFuture(
          new PermanentFailure("cannot write the request as JSON: " + e.getMessage()));
    }
    return client
        .postJson(settings.url(), Map.of("Authorization", "Bearer " + settings.accessToken()), body)
        .handle(
            (response, error) ->
                response != null
                    ? outcome(response)
                    : GatewayFailures.from(error, settings.url(), what, settings.timeout()))
        .thenApply(
            outcome -> {
              log.debug(
                  "App push deliveryId={} messageId={} attempt={}: {}",
                  d.deliveryId(),
                  d.messageId(),
                  d.attempt(),
                  outcome);
              return outcome;
            });
  }

  /** The FCM v1 {@code message}: token, notification, string-only data, collapse keys. */
  static Map<String, Object> message(OutboundDelivery d) throws IOException {
    Map<String, Object> notification = new LinkedHashMap<>();
    if (d.title() != null) {
      notification.put("title", d.title());
    }
    notification.put("body", d.content());
    Map<String, String> data = new LinkedHashMap<>();
    data.put("messageId", d.messageId());
    data.put("deliveryId", d.deliveryId());
    if (d.bizType() != null) {
      data.put("bizType", d.bizType());
    }
    // FCM data values are strings: the producer's data travels as one JSON text.
    data.put("data", JSON.writeValueAsString(d.data()));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("token", d.address());
    m.put("notification", notification);
    m.put("data", data);
    m.put("android", Map.of("collapse_key", d.deliveryId()));
    m.put("apns", Map.of("headers", Map.of("apns-collapse-id", d.deliveryId())));
    return m;
  }

  /** The gateway's answer as an outcome; the table is in {@link AppPushChannelProvider}. */
  ChannelOutcome outcome(GatewayClient.Response r) {
    JsonNode json = parse(r.body());
    if (r.ok()) {
      String name = json == null ? null : json.path("name").asText(null);
      return new Sent(name);
    }
    JsonNode error = json == null ? null : json.path("error");
    String status = error == null ? "" : error.path("status").asText("");
    String errorCode = "";
    if (error != null) {
      for (JsonNode detail : error.path("details")) {
        if (detail.has("errorCode")) {
          errorCode = detail.path("errorCode").asText("");
        }
      }
    }
    String message = error == null ? "" : error.path("message").asText("");
    String code = errorCode.isEmpty() ? status : errorCode;
    String reason =
        what
            + " answered HTTP "
            + r.status()
            + (code.isEmpty() ? "" : ", " + code)
            + (message.isEmpty() ? "" : ": " + GatewayFailures.quote(message, settings.url()));
    if (code.equals("UNREGISTERED")) {
      return new PermanentFailure(reason + " (the app was uninstalled or the token expired)");
    }
    if (r.status() == 429 || code.equals("QUOTA_EXCEEDED") || code.equals("RESOURCE_EXHAUSTED")) {
      return new RetryableFailure(reason, GatewayFailures.retryAfter(r.headers(), clock));
    }
    if (r.status() >= 500 || r.status() == 408) {
      return new RetryableFailure(reason, GatewayFailures.retryAfter(r.headers(), clock));
    }
    if (r.status() == 401 || code.equals("THIRD_PARTY_AUTH_ERROR")) {
      return new RetryableFailure(reason + "; check channel.app-push.accessToken");
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
    return "AppPushChannel{" + settings + "}";
  }
}
