package org.msgcenter.api;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * One notification as the center recorded it, with its deliveries and each delivery's attempt
 * history. Plain serializable class: the same shape over Dubbo, Triple HTTP/JSON and the access
 * layer's HTTP API.
 */
public class MessageView implements Serializable {
  private static final long serialVersionUID = 1L;

  private String messageId;
  private String traceId;
  private String bizType;
  private String bizId;
  private String userId;
  private MessageStatus status;
  private String title;
  private String content;
  private Map<String, Object> data;
  private String createdAt;
  private String updatedAt;
  private List<DeliveryView> deliveries;

  public MessageView() {}

  /** The UUIDv7 id. */
  public String getMessageId() {
    return messageId;
  }

  public MessageView setMessageId(String messageId) {
    this.messageId = messageId;
    return this;
  }

  /** The trace id (the messageId when the producer gave none). */
  public String getTraceId() {
    return traceId;
  }

  public MessageView setTraceId(String traceId) {
    this.traceId = traceId;
    return this;
  }

  /** The business type, such as {@code payment.succeeded}. */
  public String getBizType() {
    return bizType;
  }

  public MessageView setBizType(String bizType) {
    this.bizType = bizType;
    return this;
  }

  /** The business object id, or null. */
  public String getBizId() {
    return bizId;
  }

  public MessageView setBizId(String bizId) {
    this.bizId = bizId;
    return this;
  }

  /** The recipient's user id, or null. */
  public String getUserId() {
    return userId;
  }

  public MessageView setUserId(String userId) {
    this.userId = userId;
    return this;
  }

  /** Derived from the deliveries; see {@link MessageStatus}. */
  public MessageStatus getStatus() {
    return status;
  }

  public MessageView setStatus(MessageStatus status) {
    this.status = status;
    return this;
  }

  /** The rendered or given title, or null. */
  public String getTitle() {
    return title;
  }

  public MessageView setTitle(String title) {
    this.title = title;
    return this;
  }

  /** The rendered or given content. */
  public String getContent() {
    return content;
  }

  public MessageView setContent(String content) {
    this.content = content;
    return this;
  }

  /** The producer's free-form data, or null. */
  public Map<String, Object> getData() {
    return data;
  }

  public MessageView setData(Map<String, Object> data) {
    this.data = data;
    return this;
  }

  /**
   * An ISO-8601 UTC instant such as {@code 2026-11-22T08:00:00.123Z}: when the center recorded it.
   */
  public String getCreatedAt() {
    return createdAt;
  }

  public MessageView setCreatedAt(String createdAt) {
    this.createdAt = createdAt;
    return this;
  }

  /**
   * An ISO-8601 UTC instant such as {@code 2026-11-22T08:00:00.123Z}: the last change to it or its
   * deliveries.
   */
  public String getUpdatedAt() {
    return updatedAt;
  }

  public MessageView setUpdatedAt(String updatedAt) {
    this.updatedAt = updatedAt;
    return this;
  }

  /** One per channel and address, oldest first. */
  public List<DeliveryView> getDeliveries() {
    return deliveries;
  }

  public MessageView setDeliveries(List<DeliveryView> deliveries) {
    this.deliveries = deliveries;
    return this;
  }

  @Override
  public String toString() {
    return "MessageView{"
        + "messageId="
        + messageId
        + ", "
        + "traceId="
        + traceId
        + ", "
        + "bizType="
        + bizType
        + ", "
        + "bizId="
        + bizId
        + ", "
        + "userId="
        + userId
        + ", "
        + "status="
        + status
        + ", "
        + "title="
        + title
        + ", "
        + "createdAt="
        + createdAt
        + ", "
        + "updatedAt="
        + updatedAt
        + "}";
  }
}
