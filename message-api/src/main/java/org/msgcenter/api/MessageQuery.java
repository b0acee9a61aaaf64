package org.msgcenter.api;

import java.io.Serializable;

/**
 * Filters for {@link MessageQueryService#search(MessageQuery)}; every filter given must match. A
 * time range ({@code from}) is required unless a selective key (userId, bizId or traceId) is given,
 * so that no search reads a table that grows with traffic from end to end.
 */
public class MessageQuery implements Serializable {
  private static final long serialVersionUID = 1L;

  private String userId;
  private String bizType;
  private String bizId;
  private String traceId;
  private MessageStatus status;
  private String channel;
  private String from;
  private String to;
  private String cursor;
  private Integer limit;

  public MessageQuery() {}

  /** Recipient user id. */
  public String getUserId() {
    return userId;
  }

  public MessageQuery setUserId(String userId) {
    this.userId = userId;
    return this;
  }

  /** Exact business type. */
  public String getBizType() {
    return bizType;
  }

  public MessageQuery setBizType(String bizType) {
    this.bizType = bizType;
    return this;
  }

  /** Business object id. */
  public String getBizId() {
    return bizId;
  }

  public MessageQuery setBizId(String bizId) {
    this.bizId = bizId;
    return this;
  }

  /** Trace id. */
  public String getTraceId() {
    return traceId;
  }

  public MessageQuery setTraceId(String traceId) {
    this.traceId = traceId;
    return this;
  }

  /** Derived message status. */
  public MessageStatus getStatus() {
    return status;
  }

  public MessageQuery setStatus(MessageStatus status) {
    this.status = status;
    return this;
  }

  /** Messages with a delivery on this channel. */
  public String getChannel() {
    return channel;
  }

  public MessageQuery setChannel(String channel) {
    this.channel = channel;
    return this;
  }

  /**
   * An ISO-8601 UTC instant such as {@code 2026-11-22T08:00:00.123Z}, inclusive: the earliest
   * messageId time (when the publisher created the notification).
   */
  public String getFrom() {
    return from;
  }

  public MessageQuery setFrom(String from) {
    this.from = from;
    return this;
  }

  /**
   * An ISO-8601 UTC instant such as {@code 2026-11-22T08:00:00.123Z}, exclusive; default: no upper
   * bound.
   */
  public String getTo() {
    return to;
  }

  public MessageQuery setTo(String to) {
    this.to = to;
    return this;
  }

  /** The {@code nextCursor} of the previous page; null for the first page. */
  public String getCursor() {
    return cursor;
  }

  public MessageQuery setCursor(String cursor) {
    this.cursor = cursor;
    return this;
  }

  /** Page size, 1 to 200; default 50. */
  public Integer getLimit() {
    return limit;
  }

  public MessageQuery setLimit(Integer limit) {
    this.limit = limit;
    return this;
  }

  @Override
  public String toString() {
    return "MessageQuery{"
        + "userId="
        + userId
        + ", "
        + "bizType="
        + bizType
        + ", "
        + "bizId="
        + bizId
        + ", "
        + "traceId="
        + traceId
        + ", "
        + "status="
        + status
        + ", "
        + "channel="
        + channel
        + ", "
        + "from="
        + from
        + ", "
        + "to="
        + to
        + ", "
        + "cursor="
        + cursor
        + ", "
        + "limit="
        + limit
        + "}";
  }
}
