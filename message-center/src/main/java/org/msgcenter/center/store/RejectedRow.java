package org.msgcenter.center.store;

import java.time.LocalDateTime;

/** A row of {@code rejected_record}; times in UTC. */
public final class RejectedRow {
  public String sourceTopic;
  public int sourcePartition;
  public long sourceOffset;
  public String recordKey;
  public String messageId;
  public String reason;
  public String error;
  public byte[] payload;
  public LocalDateTime createdAt;
}
