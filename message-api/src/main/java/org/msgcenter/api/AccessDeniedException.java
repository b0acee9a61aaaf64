package org.msgcenter.api;

/**
 * A service call without the right access token: the {@code token} attachment (a {@code token}
 * header over HTTP/JSON) is missing or does not match the center's {@code dubbo.accessToken}. Not
 * retryable as it is: fix the token.
 */
public class AccessDeniedException extends MessageCenterException {
  private static final long serialVersionUID = 1L;

  public AccessDeniedException(String message) {
    super(message);
  }
}
