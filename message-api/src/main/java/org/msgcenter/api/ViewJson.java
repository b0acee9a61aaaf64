package org.msgcenter.api;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The JSON form of the service views ({@link MessageView}, {@link DeliveryView}, {@link
 * AttemptView}, {@link MessagePage}, {@link ResendResult}, {@link SkippedDelivery}) and of the
 * query objects ({@link MessageQuery}, {@link InboxQuery}). The message center's Triple HTTP/JSON
 * answers are written with this mapper, and every other HTTP API that shows these views (the access
 * layer) uses it too, so that one shape holds everywhere: every field present, in the documented
 * order, {@code null} where there is no value, enums by name, times as ISO-8601 UTC strings.
 *
 * <p>Reading ignores unknown fields, so a client built against a later version keeps working.
 */
public final class ViewJson {

  /** The shared mapper. Configure nothing on it: copy it ({@code MAPPER.copy()}) to change it. */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .addMixIn(MessageView.class, MessageOrder.class)
          .addMixIn(DeliveryView.class, DeliveryOrder.class)
          .addMixIn(AttemptView.class, AttemptOrder.class)
          .addMixIn(MessagePage.class, PageOrder.class)
          .addMixIn(ResendResult.class, ResendOrder.class)
          .addMixIn(SkippedDelivery.class, SkippedOrder.class)
          .build();

  private ViewJson() {}

  /** {@code value} as compact JSON. */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write " + value.getClass() + " as JSON", e);
    }
  }

  /** {@code json} read as {@code type}. */
  public static <T> T read(String json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "not a " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  @JsonPropertyOrder({
    "messageId",
    "traceId",
    "bizType",
    "bizId",
    "userId",
    "status",
    "title",
    "content",
    "data",
    "createdAt",
    "updatedAt",
    "deliveries"
  })
  private interface MessageOrder {}

  @JsonPropertyOrder({
    "deliveryId",
    "channel",
    "address",
    "status",
    "attempts",
    "nextAttemptAt",
    "lastError",
    "sentAt",
    "ackedAt",
    "readAt",
    "history"
  })
  private interface DeliveryOrder {}

  @JsonPropertyOrder({"attempt", "startedAt", "finishedAt", "outcome", "manual", "error"})
  private interface AttemptOrder {}

  @JsonPropertyOrder({"items", "nextCursor"})
  private interface PageOrder {}

  @JsonPropertyOrder({"messageId", "resent", "skipped"})
  private interface ResendOrder {}

  @JsonPropertyOrder({"deliveryId", "reason"})
  private interface SkippedOrder {}
}
