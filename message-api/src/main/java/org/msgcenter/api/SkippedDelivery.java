package org.msgcenter.api;

import java.io.Serializable;

/** A delivery a command left alone, and why. */
public class SkippedDelivery implements Serializable {
  private static final long serialVersionUID = 1L;

  private String deliveryId;
  private String reason;

  public SkippedDelivery() {}

  /** The delivery. */
  public String getDeliveryId() {
    return deliveryId;
  }

  public SkippedDelivery setDeliveryId(String deliveryId) {
    this.deliveryId = deliveryId;
    return this;
  }

  /** Why it was left alone, such as {@code already SENT}. */
  public String getReason() {
    return reason;
  }

  public SkippedDelivery setReason(String reason) {
    this.reason = reason;
    return this;
  }

  @Override
  public String toString() {
    return "SkippedDelivery{" + "deliveryId=" + deliveryId + ", " + "reason=" + reason + "}";
  }
}
