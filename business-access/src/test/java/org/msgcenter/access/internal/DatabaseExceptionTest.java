package org.msgcenter.access.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class DatabaseExceptionTest {

  @Test
  void outages_deadlocks_and_timeouts_are_transient_and_bugs_are_not() {
    assertThat(
            new DatabaseException("x", new SQLTransientConnectionException("pool")).isTransient())
        .isTrue();
    assertThat(
            new DatabaseException("x", new SQLTransactionRollbackException("deadlock"))
                .isTransient())
        .isTrue();
    assertThat(new DatabaseException("x", new SQLException("gone", "08S01")).isTransient())
        .isTrue();
    assertThat(new DatabaseException("x", new SQLSyntaxErrorException("typo")).isTransient())
        .isFalse();
    assertThat(
            new DatabaseException("x", new SQLIntegrityConstraintViolationException("dup"))
                .isTransient())
        .isFalse();
  }
}
