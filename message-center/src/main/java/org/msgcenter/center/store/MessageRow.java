package org.msgcenter.center.store;

import java.time.LocalDateTime;
import java.util.List;

/** A row of {@code message}; times in UTC. */
public final class MessageRow {
  public byte[] messageId;
  public String traceId;
  public String bizType;
  public String bizId;
  public String userId;
  public String source;
  public String priority;
  public String status;
  public String template;
  public String params;
  public String title;
  public String content;
  public String data;
  public LocalDateTime sendAt;
  public LocalDateTime expireAt;
  public String dedupKey;
  public byte[] suppressedBy;
  public byte[] ingestToken;
  public String sourceTopic;
  public int sourcePartition;
  public long sourceOffset;
  public LocalDateTime createdAt;
  public LocalDateTime updatedAt;

  /** The message's deliveries, oldest first, where a statement reads them with it; else null. */
  public List<DeliveryRow> deliveries;
}
