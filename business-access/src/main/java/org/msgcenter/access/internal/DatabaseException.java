package org.msgcenter.access.internal;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * A database call failed. {@link #isTransient()} tells an outage, a deadlock or a timeout (the
 * request may be sent again: 503) from an error in the statement or the data (a bug: 500).
 */
public class DatabaseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean transientFailure;

  public DatabaseException(String message, SQLException cause) {
    super(message, cause);
    this.transientFailure = isTransient(cause);
  }

  public boolean isTransient() {
    return transientFailure;
  }

  static boolean isTransient(SQLException e) {
    String state = e.getSQLState();
    return e instanceof SQLTransientException
        || e instanceof SQLRecoverableException
        || e instanceof SQLNonTransientConnectionException
        || (state != null && (state.startsWith("08") || state.startsWith("40")));
  }
}
