package org.msgcenter.center.peers;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A push gateway with the FCM HTTP v1 API: {@code POST /v1/projects/<project>/messages:send} with a
 * bearer token, answered with the message name, or with FCM's error body ({@code error.code},
 * {@code status}, and an {@code FcmError} detail carrying the {@code errorCode}).
 */
public final class PushGateway extends HttpPeer {
  public static final String PATH = "/v1/projects/msgcenter-test/messages:send";
  public static final String ACCESS_TOKEN = "ya29.test-access-token";

  /** A message the gateway accepted. */
  public record Push(String token, String title, String body, JsonNode data, String name) {}

  private final List<Push> pushed = new CopyOnWriteArrayList<>();
  private final Set<String> unregistered = ConcurrentHashMap.newKeySet();
  private final AtomicLong ids = new AtomicLong(1_500_415_314_455_276L);
  private volatile boolean quotaExceeded;

  public Map<String, String> channelSettings() {
    return Map.of("url", url(PATH), "accessToken", ACCESS_TOKEN);
  }

  /** The app behind {@code token} was uninstalled: FCM answers 404 UNREGISTERED. */
  public PushGateway unregister(String token) {
    unregistered.add(token);
    return this;
  }

  /** The project's quota is spent: 429 QUOTA_EXCEEDED with Retry-After: 1, until restored. */
  public PushGateway exhaustQuota() {
    quotaExceeded = true;
    return this;
  }

  public PushGateway restoreQuota() {
    quotaExceeded = false;
    return this;
  }

  public List<Push> pushed() {
    return List.copyOf(pushed);
  }

  public List<Push> pushedTo(String token) {
    return pushed.stream().filter(p -> p.token().equals(token)).toList();
  }

  @Override
  protected Answer answer(Request r) {
    if (!r.path().equals(PATH) || !r.method().equals("POST")) {
      return error(404, "NOT_FOUND", null, "Requested entity was not found.");
    }
    if (!("Bearer " + ACCESS_TOKEN).equals(r.header("Authorization"))) {
      return error(
          401,
          "UNAUTHENTICATED",
          null,
          "Request had invalid authentication credentials. Expected OAuth 2 access token.");
    }
    JsonNode message = r.json().path("message");
    String token = message.path("token").asText("");
    if (token.isEmpty() || token.contains(" ") || token.startsWith("bad")) {
      return error(
          400,
          "INVALID_ARGUMENT",
          "INVALID_ARGUMENT",
          "The registration token is not a valid FCM registration token");
    }
    if (unregistered.contains(token)) {
      return error(404, "NOT_FOUND", "UNREGISTERED", "Requested entity was not found.");
    }
    if (quotaExceeded) {
      return error(
              429,
              "RESOURCE_EXHAUSTED",
              "QUOTA_EXCEEDED",
              "Quota exceeded for quota metric 'Send messages'")
          .header("Retry-After", "1");
    }
    String name = "projects/msgcenter-test/messages/0:" + ids.incrementAndGet();
    pushed.add(
        new Push(
            token,
            message.path("notification").path("title").asText(null),
            message.path("notification").path("body").asText(null),
            message.path("data"),
            name));
    return Answer.json(200, Map.of("name", name));
  }

  private static Answer error(int code, String status, String errorCode, String message) {
    Map<String, Object> error =
        errorCode == null
            ? Map.of("code", code, "message", message, "status", status)
            : Map.of(
                "code",
                code,
                "message",
                message,
                "status",
                status,
                "details",
                List.of(
                    Map.of(
                        "@type",
                        "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                        "errorCode",
                        errorCode)));
    return Answer.json(code, Map.of("error", error));
  }
}
