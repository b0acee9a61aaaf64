package org.msgcenter.access.module;

import java.sql.Connection;
import java.sql.SQLException;

/** Work done on one connection inside a transaction. */
@FunctionalInterface
public interface Transactional<T> {
  T run(Connection transaction) throws SQLException;
}
