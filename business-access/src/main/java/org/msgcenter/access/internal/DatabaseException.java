package org.msgcenter.access.internal;

/** The access database failed (unreachable, deadlock, timeout); the request may be retried. */
public class DatabaseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DatabaseException(String message, Throwable cause) {
    super(message, cause);
  }
}
