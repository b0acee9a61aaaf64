package org.msgcenter.api.outbox;

import org.msgcenter.api.MessageCenterException;

/**
 * The outbox table could not be read or written. Retryable: the database may be back on the next
 * try, and nothing was published that was not committed.
 */
public class OutboxException extends MessageCenterException {
  private static final long serialVersionUID = 1L;

  public OutboxException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean isRetryable() {
    return true;
  }
}
