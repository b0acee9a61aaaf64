package org.msgcenter.center.store;

import java.time.LocalDateTime;

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
}
