package org.msgcenter.center.store;

import java.time.LocalDateTime;

/** A client's ack or read of one in-app delivery. */
public final class ReceiptRow {
  public byte[] deliveryId;
  public String userId;
  public LocalDateTime at;
}
