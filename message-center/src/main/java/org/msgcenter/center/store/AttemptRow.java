package org.msgcenter.center.store;

import java.time.LocalDateTime;

/** A row of {@code delivery_attempt}; times in UTC. */
public final class AttemptRow {
  public byte[] deliveryId;
  public int round;
  public int attempt;
  public LocalDateTime startedAt;
  public LocalDateTime finishedAt;
  public String outcome;
  public boolean manual;
  public String error;
  public String providerReceipt;
  public String instanceId;
}
