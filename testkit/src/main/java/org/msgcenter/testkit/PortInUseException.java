package org.msgcenter.testkit;

/** A server could not start because something already listens on its port. */
public final class PortInUseException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message names the server and the port
   * @param cause the bind failure, or null
   */
  public PortInUseException(String message, Throwable cause) {
    super(message, cause);
  }
}
