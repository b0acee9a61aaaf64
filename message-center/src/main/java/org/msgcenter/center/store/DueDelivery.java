package org.msgcenter.center.store;

import java.time.LocalDateTime;

/** A due delivery as the poller reads it, and the lease expiry it assigns. */
public final class DueDelivery {
  public byte[] deliveryId;
  public byte[] messageId;
  public String channel;
  public String address;
  public String status;
  public int attempts;
  public String priority;
  public String leaseOwner;
  public int resends;
  public LocalDateTime leaseExpiry;
}
