package org.msgcenter.notifier.realtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.msgcenter.api.Uuid7;

/**
 * One in-app notification for one user, as the center's in-app channel writes it to {@code
 * msgcenter.realtime} (and as replay rebuilds it from the inbox).
 *
 * @param data the notification's {@code data}, handed to clients unchanged; may be null
 * @param createdAt ISO-8601 UTC; may be null
 */
public record RealtimeEvent(
    String messageId,
    String deliveryId,
    String userId,
    String bizType,
    String title,
    String content,
    Map<String, Object> data,
    String createdAt) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Checks the ids, which receipts and replay depend on. */
  public RealtimeEvent {
    if (!Uuid7.isCanonical(messageId)) {
      throw new IllegalArgumentException("messageId: must be a canonical UUIDv7");
    }
    if (!Uuid7.isCanonical(deliveryId)) {
      throw new IllegalArgumentException("deliveryId: must be a canonical UUIDv7");
    }
    if (userId == null || userId.isBlank()) {
      throw new IllegalArgumentException("userId: required");
    }
  }

  /**
   * Parses a realtime record.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static RealtimeEvent parse(byte[] json) {
    JsonNode n;
    try {
      n = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage());
    }
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    JsonNode data = n.get("data");
    Map<String, Object> map = null;
    if (data != null && data.isObject()) {
      map =
          JSON.convertValue(
              data, JSON.getTypeFactory().constructMapType(Map.class, String.class, Object.class));
    }
    return new RealtimeEvent(
        text(n, "messageId"),
        text(n, "deliveryId"),
        text(n, "userId"),
        text(n, "bizType"),
        text(n, "title"),
        text(n, "content"),
        map,
        text(n, "createdAt"));
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** What a client receives: the contract's {@code notification} payload. */
  public Map<String, Object> payload() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("messageId", messageId);
    p.put("deliveryId", deliveryId);
    p.put("bizType", bizType);
    p.put("title", title);
    p.put("content", content);
    p.put("data", data);
    p.put("createdAt", createdAt);
    return p;
  }
}
