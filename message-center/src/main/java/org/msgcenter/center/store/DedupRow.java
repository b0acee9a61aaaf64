package org.msgcenter.center.store;

import java.time.LocalDateTime;

/** A row of {@code dedup_key}; times in UTC. */
public final class DedupRow {
  public String userId;
  public String bizType;
  public String dedupKey;
  public byte[] messageId;
  public LocalDateTime expiresAt;
}
