package org.msgcenter.center.channel;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One delivery as a channel sends it: rendered, addressed, with its ids.
 *
 * @param deliveryId UUIDv7 of the delivery; pass it to the provider as idempotency key where the
 *     protocol has one, so a resend after a crash is recognised as the same delivery
 * @param messageId UUIDv7 of the message
 * @param traceId the message's trace id (the messageId when the producer gave none)
 * @param bizType the message's business type
 * @param bizId the business object id, or null
 * @param userId the recipient's user id, or null
 * @param channel the channel name
 * @param address where to send: the value {@link ChannelProvider#addresses} chose for this delivery
 *     (email address, phone, device token, URL, or user id for in-app)
 * @param title rendered title, or null
 * @param content rendered content (plain text, or the channel's own markup such as markdown)
 * @param html rendered HTML body, or null when the template has none for this channel
 * @param data the producer's free-form data, unchanged (empty when none)
 * @param createdAt when the center recorded the message
 * @param attempt 1 for the first attempt
 */
public record OutboundDelivery(
    String deliveryId,
    String messageId,
    String traceId,
    String bizType,
    String bizId,
    String userId,
    String channel,
    String address,
    String title,
    String content,
    String html,
    Map<String, Object> data,
    Instant createdAt,
    int attempt) {

  /** A delivery without an HTML body. */
  public OutboundDelivery(
      String deliveryId,
      String messageId,
      String traceId,
      String bizType,
      String bizId,
      String userId,
      String channel,
      String address,
      String title,
      String content,
      Map<String, Object> data,
      Instant createdAt,
      int attempt) {
    this(
        deliveryId,
        messageId,
        traceId,
        bizType,
        bizId,
        userId,
        channel,
        address,
        title,
        content,
        null,
        data,
        createdAt,
        attempt);
  }

  public OutboundDelivery {
    Objects.requireNonNull(deliveryId, "deliveryId");
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(content, "content");
    data = data == null ? Map.of() : data;
  }
}
