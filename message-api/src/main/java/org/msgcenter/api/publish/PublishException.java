package org.msgcenter.api.publish;

import org.msgcenter.api.MessageCenterException;

/**
 * A notification the broker did not acknowledge. When {@link #isRetryable()} is true (timeouts, an
 * unreachable or restarting broker, records the broker saw out of order), publishing the same
 * notification again is safe: the center records one messageId once.
 */
public class PublishException extends MessageCenterException {
  private static final long serialVersionUID = 1L;

  private final String messageId;
  private final boolean retryable;

  public PublishException(String messageId, String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.messageId = messageId;
    this.retryable = retryable;
  }

  /** The id of the notification that was not published. */
  public String messageId() {
    return messageId;
  }

  @Override
  public boolean isRetryable() {
    return retryable;
  }
}
