package org.msgcenter.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(EmbeddedInfrastructure.class)
class EmbeddedMariaDbTest {

  @Test
  void mariadb_answers_select_version(EmbeddedMariaDb mariaDb) throws SQLException {
    try (Connection connection =
        DriverManager.getConnection(
            mariaDb.jdbcUrl(""), mariaDb.rootUser(), mariaDb.rootPassword())) {
      assertThat(queryString(connection, "SELECT VERSION()")).startsWith("10.11");
      assertThat(queryString(connection, "SELECT @@character_set_server")).isEqualTo("utf8mb4");
    }
  }

  @Test
  void a_created_user_uses_its_databases_and_no_other(EmbeddedMariaDb mariaDb) throws SQLException {
    mariaDb.createDatabase("user_test_own");
    mariaDb.createDatabase("user_test_other");
    mariaDb.createUser("user_test", "secret", "user_test_own");
    mariaDb.createUser("user_test", "secret", "user_test_own"); // idempotent
    try {
      try (Connection connection =
              DriverManager.getConnection(mariaDb.jdbcUrl("user_test_own"), "user_test", "secret");
          Statement statement = connection.createStatement()) {
        statement.execute("CREATE TABLE t (id INT PRIMARY KEY)");
        statement.execute("INSERT INTO t VALUES (1)");
        assertThat(queryString(connection, "SELECT COUNT(*) FROM t")).isEqualTo("1");
      }
      assertThatThrownBy(
              () ->
                  DriverManager.getConnection(
                          mariaDb.jdbcUrl("user_test_other"), "user_test", "secret")
                      .close())
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("Access denied");
    } finally {
      mariaDb.dropUser("user_test");
      mariaDb.dropDatabase("user_test_own");
      mariaDb.dropDatabase("user_test_other");
    }
  }

  @Test
  void mariadb_keeps_its_data_across_stop_and_start(@TempDir Path dataDir) throws SQLException {
    try (EmbeddedMariaDb mariaDb = new EmbeddedMariaDb(0, dataDir).start()) {
      mariaDb.createDatabase("kept");
      execute(mariaDb, "CREATE TABLE kept.note (text VARCHAR(100))");
      execute(mariaDb, "INSERT INTO kept.note VALUES ('survives a restart')");

      mariaDb.stop();
      assertThat(mariaDb.isRunning()).isFalse();
      mariaDb.start();

      assertThat(query(mariaDb, "SELECT text FROM kept.note")).isEqualTo("survives a restart");
    }
  }

  @Test
  void a_new_server_on_an_existing_data_directory_finds_the_data(@TempDir Path dataDir)
      throws SQLException {
    try (EmbeddedMariaDb first = new EmbeddedMariaDb(0, dataDir).start()) {
      first.createDatabase("kept");
      first.createUser("kept_user", "kept_password", "kept");
      execute(first, "CREATE TABLE kept.note (text VARCHAR(100))");
      execute(first, "INSERT INTO kept.note VALUES ('still here')");
    }

    try (EmbeddedMariaDb second = new EmbeddedMariaDb(0, dataDir).start();
        Connection connection =
            DriverManager.getConnection(second.jdbcUrl("kept"), "kept_user", "kept_password")) {
      assertThat(queryString(connection, "SELECT text FROM note")).isEqualTo("still here");
    }
    assertThat(dataDir.resolve("kept")).isDirectory();
  }

  @Test
  void a_port_in_use_is_named_in_the_error() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        EmbeddedMariaDb mariaDb = new EmbeddedMariaDb(taken.getLocalPort(), null)) {
      assertThatThrownBy(mariaDb::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("MariaDB port " + taken.getLocalPort() + " is already in use");
    }
  }

  @Test
  void names_that_would_need_quoting_are_refused(EmbeddedMariaDb mariaDb) {
    assertThatThrownBy(() -> mariaDb.createDatabase("x`; DROP DATABASE mysql"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("database name");
    assertThatThrownBy(() -> mariaDb.createUser("bad'user", "p"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("user name");
  }

  private static void execute(EmbeddedMariaDb mariaDb, String sql) throws SQLException {
    try (Connection connection =
            DriverManager.getConnection(
                mariaDb.jdbcUrl(""), mariaDb.rootUser(), mariaDb.rootPassword());
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static String query(EmbeddedMariaDb mariaDb, String sql) throws SQLException {
    try (Connection connection =
        DriverManager.getConnection(
            mariaDb.jdbcUrl(""), mariaDb.rootUser(), mariaDb.rootPassword())) {
      return queryString(connection, sql);
    }
  }

  private static String queryString(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      assertThat(rows.next()).as("a row from %s", sql).isTrue();
      return rows.getString(1);
    }
  }
}
