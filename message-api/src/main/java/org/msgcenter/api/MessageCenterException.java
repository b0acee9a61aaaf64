package org.msgcenter.api;

/**
 * Root of every exception the message center throws. Unchecked; subclasses say whether a caller may
 * retry ({@link #isRetryable()}).
 */
public class MessageCenterException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MessageCenterException(String message) {
    super(message);
  }

  public MessageCenterException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Whether the same call may succeed if made again unchanged. {@code false} unless a subclass says
   * otherwise: bad input stays bad.
   */
  public boolean isRetryable() {
    return false;
  }
}
