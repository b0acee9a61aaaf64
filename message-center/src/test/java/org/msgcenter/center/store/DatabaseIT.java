package org.msgcenter.center.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.apache.ibatis.session.SqlSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.msgcenter.center.config.CenterConfig;
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.TestDatabase;

@ExtendWith(EmbeddedInfrastructure.class)
class DatabaseIT {

  @Test
  void transactions_do_not_switch_auto_commit_back_and_forth(TestDatabase testDb) {
    // One connection, so that its own session counters see every statement the transactions send.
    try (Database db =
        Database.open(new CenterConfig.Db(testDb.jdbcUrl(), testDb.user(), testDb.password(), 1))) {
      long before = db.inTransaction(DatabaseIT::setOptionStatements);
      for (int i = 0; i < 10; i++) {
        db.inTransaction(
            s -> s.getMapper(QueryMapper.class).countInbox("user-1", "in-app", List.of("SENT")));
      }
      long after = db.inTransaction(DatabaseIT::setOptionStatements);

      assertThat(after - before).as("SET autocommit statements for 11 transactions").isZero();
    }
  }

  @Test
  void a_failed_transaction_leaves_nothing_for_the_next_one(TestDatabase testDb) {
    try (Database db =
        Database.open(new CenterConfig.Db(testDb.jdbcUrl(), testDb.user(), testDb.password(), 1))) {
      db.inTransaction(s -> execute(s, "CREATE TABLE IF NOT EXISTS probe (n INT PRIMARY KEY)"));
      db.inTransaction(s -> execute(s, "DELETE FROM probe"));

      failAfterInsert(db);

      long rows = db.inTransaction(s -> count(s, "SELECT COUNT(*) FROM probe"));
      assertThat(rows).isZero();
    }
  }

  @Test
  void service_pool_reads_commit_nothing_and_its_transactions_still_roll_back(TestDatabase testDb) {
    CenterConfig.Db config =
        new CenterConfig.Db(testDb.jdbcUrl(), testDb.user(), testDb.password(), 1, 1);
    Database.open(config).close(); // migrates
    try (Database db = Database.openServicePool(config)) {
      db.inTransaction(s -> execute(s, "CREATE TABLE IF NOT EXISTS probe (n INT PRIMARY KEY)"));
      long before = db.read(DatabaseIT::commits);
      for (int i = 0; i < 10; i++) {
        db.read(
            s -> s.getMapper(QueryMapper.class).countInbox("user-1", "in-app", List.of("SENT")));
      }
      long after = db.read(DatabaseIT::commits);
      assertThat(after - before).as("COMMIT statements for 10 reads").isZero();

      failAfterInsert(db);
      long rows = db.read(s -> count(s, "SELECT COUNT(*) FROM probe"));
      assertThat(rows).isZero();
      long autoCommit = db.read(s -> count(s, "SELECT @@autocommit"));
      assertThat(autoCommit).as("auto-commit again after a transaction").isEqualTo(1);
    }
  }

  /** A transaction that inserts into probe and then fails. */
  private static void failAfterInsert(Database db) {
    assertThatThrownBy(
            () ->
                db.inTransaction(
                    s -> {
                      execute(s, "INSERT INTO probe VALUES (1)");
                      throw new IllegalStateException("fails after the insert");
                    }))
        .isInstanceOf(IllegalStateException.class);
  }

  private static long commits(SqlSession s) {
    return count(s, "SHOW SESSION STATUS LIKE 'Com_commit'", 2);
  }

  private static long setOptionStatements(SqlSession s) {
    return count(s, "SHOW SESSION STATUS LIKE 'Com_set_option'", 2);
  }

  private static long count(SqlSession s, String sql) {
    return count(s, sql, 1);
  }

  private static long count(SqlSession s, String sql, int column) {
    try (Statement st = s.getConnection().createStatement();
        ResultSet r = st.executeQuery(sql)) {
      r.next();
      return r.getLong(column);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int execute(SqlSession s, String sql) {
    try (Statement st = s.getConnection().createStatement()) {
      return st.executeUpdate(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
