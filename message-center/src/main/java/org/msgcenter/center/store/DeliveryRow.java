package org.msgcenter.center.store;

import java.time.LocalDateTime;
import java.util.List;

/** A row of {@code delivery}; times in UTC. */
public final class DeliveryRow {
  public byte[] deliveryId;
  public byte[] messageId;
  public String channel;
  public String address;
  public byte[] addressHash;
  public String status;
  public String priority;
  public int attempts;
  public LocalDateTime nextAttemptAt;
  public String leaseOwner;
  public String userId;
  public String lastError;
  public String providerReceipt;
  public LocalDateTime sentAt;
  public LocalDateTime ackedAt;
  public LocalDateTime readAt;
  public int resends;
  public LocalDateTime createdAt;
  public LocalDateTime updatedAt;

  /**
   * The delivery's attempts in order of round and attempt, where a statement reads them with it;
   * else null.
   */
  public List<AttemptRow> history;
}
