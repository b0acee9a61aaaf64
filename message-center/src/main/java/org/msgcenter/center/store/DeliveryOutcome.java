package org.msgcenter.center.store;

import java.time.LocalDateTime;

/** The per-row values of a delivery whose lease ends. */
public final class DeliveryOutcome {
  public byte[] deliveryId;
  public int attempts;
  public String lastError;
  public String providerReceipt;
  public LocalDateTime sentAt;
  public LocalDateTime nextAttemptAt;
}
