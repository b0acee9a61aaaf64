package org.msgcenter.api;

import java.io.Serializable;
import java.util.List;

/** What {@link MessageCommandService#resend(String)} did to each delivery. */
public class ResendResult implements Serializable {
  private static final long serialVersionUID = 1L;

  private String messageId;
  private List<String> resent;
  private List<SkippedDelivery> skipped;

  public ResendResult() {}

  /** The message. */
  public String getMessageId() {
    return messageId;
  }

  public ResendResult setMessageId(String messageId) {
    this.messageId = messageId;
    return this;
  }

  /** Deliveries moved back to PENDING with attempts reset. */
  public List<String> getResent() {
    return resent;
  }

  public ResendResult setResent(List<String> resent) {
    this.resent = resent;
    return this;
  }

  /** Deliveries left alone, each with the reason. */
  public List<SkippedDelivery> getSkipped() {
    return skipped;
  }

  public ResendResult setSkipped(List<SkippedDelivery> skipped) {
    this.skipped = skipped;
    return this;
  }

  @Override
  public String toString() {
    return "ResendResult{"
        + "messageId="
        + messageId
        + ", "
        + "resent="
        + resent
        + ", "
        + "skipped="
        + skipped
        + "}";
  }
}
