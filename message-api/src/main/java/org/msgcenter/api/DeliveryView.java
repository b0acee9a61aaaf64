package org.msgcenter.api;

import java.io.Serializable;
import java.util.List;

/** One delivery of a message: one channel, one address. */
public class DeliveryView implements Serializable {
  private static final long serialVersionUID = 1L;

  private String deliveryId;
  private String channel;
  private String address;
  private DeliveryStatus status;
  private int attempts;
  private String nextAttemptAt;
  private String lastError;
  private String sentAt;
  private String ackedAt;
  private String readAt;
  private List<AttemptView> history;

  public DeliveryView() {}

  /** The UUIDv7 id, also passed to providers as idempotency key. */
  public String getDeliveryId() {
    return deliveryId;
  }

  public DeliveryView setDeliveryId(String deliveryId) {
    this.deliveryId = deliveryId;
    return this;
  }

  /** The channel name, such as {@code email}. */
  public String getChannel() {
    return channel;
  }

  public DeliveryView setChannel(String channel) {
    this.channel = channel;
    return this;
  }

  /** The address, masked where it carries a secret (robot and webhook URLs). */
  public String getAddress() {
    return address;
  }

  public DeliveryView setAddress(String address) {
    this.address = address;
    return this;
  }

  /** See {@link DeliveryStatus}. */
  public DeliveryStatus getStatus() {
    return status;
  }

  public DeliveryView setStatus(DeliveryStatus status) {
    this.status = status;
    return this;
  }

  /** Attempts made so far (reset by resend). */
  public int getAttempts() {
    return attempts;
  }

  public DeliveryView setAttempts(int attempts) {
    this.attempts = attempts;
    return this;
  }

  /**
   * An ISO-8601 UTC instant such as {@code 2026-11-22T08:00:00.123Z} when the delivery is next due,
   * or null when terminal.
   */
  public String getNextAttemptAt() {
    return nextAttemptAt;
  }

  public DeliveryView setNextAttemptAt(String nextAttemptAt) {
    this.nextAttemptAt = nextAttemptAt;
    return this;
  }

  /** The last failure's reason, or null. */
  public String getLastError() {
    return lastError;
  }

  public DeliveryView setLastError(String lastError) {
    this.lastError = lastError;
    return this;
  }

  /** An ISO-8601 UTC instant such as {@code 2026-11-22T08:00:00.123Z}, or null. */
  public String getSentAt() {
    return sentAt;
  }

  public DeliveryView setSentAt(String sentAt) {
    this.sentAt = sentAt;
    return this;
  }

  /** An ISO-8601 UTC instant such as {@code 2026-11-22T08:00:00.123Z}, or null. */
  public String getAckedAt() {
    return ackedAt;
  }

  public DeliveryView setAckedAt(String ackedAt) {
    this.ackedAt = ackedAt;
    return this;
  }

  /** An ISO-8601 UTC instant such as {@code 2026-11-22T08:00:00.123Z}, or null. */
  public String getReadAt() {
    return readAt;
  }

  public DeliveryView setReadAt(String readAt) {
    this.readAt = readAt;
    return this;
  }

  /** Every attempt, oldest first. */
  public List<AttemptView> getHistory() {
    return history;
  }

  public DeliveryView setHistory(List<AttemptView> history) {
    this.history = history;
    return this;
  }

  @Override
  public String toString() {
    return "DeliveryView{"
        + "deliveryId="
        + deliveryId
        + ", "
        + "channel="
        + channel
        + ", "
        + "status="
        + status
        + ", "
        + "attempts="
        + attempts
        + ", "
        + "nextAttemptAt="
        + nextAttemptAt
        + ", "
        + "lastError="
        + lastError
        + ", "
        + "sentAt="
        + sentAt
        + ", "
        + "ackedAt="
        + ackedAt
        + ", "
        + "readAt="
        + readAt
        + "}";
  }
}
