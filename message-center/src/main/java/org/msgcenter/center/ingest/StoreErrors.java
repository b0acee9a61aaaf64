package org.msgcenter.center.ingest;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * Tells a database error that will pass (connection lost, deadlock, timeout: retry the same batch)
 * from one that a record's values caused (the database refuses them: reject the record). Anything
 * not recognised as a data error counts as passing: retrying is safe, dropping is not.
 */
final class StoreErrors {
  /**
   * MySQL/MariaDB error codes of refused values: bad string, too long, out of range, bad date,
   * null, foreign key.
   */
  private static final Set<Integer> DATA_ERRORS = Set.of(1366, 1406, 1264, 1292, 1048, 1452, 1644);

  private StoreErrors() {}

  static boolean isDataError(Throwable error) {
    // The SQL state decides before the exception's class: the MariaDB driver reports a trigger's
    // SIGNAL '45000' as SQLTransientConnectionException, though nothing about it is transient.
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        String state = sql.getSQLState();
        if (state != null
            && (state.startsWith("22") || state.startsWith("23") || state.startsWith("45"))) {
          return true;
        }
        if (DATA_ERRORS.contains(sql.getErrorCode())) {
          return true;
        }
        if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
          return false;
        }
      }
    }
    return false;
  }
}
