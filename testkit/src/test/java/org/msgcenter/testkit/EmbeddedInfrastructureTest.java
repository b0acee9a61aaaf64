package org.msgcenter.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmbeddedInfrastructure.class)
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
class EmbeddedInfrastructureTest {

  private static TestDatabase firstClassDatabase;
  private static EmbeddedMariaDb firstClassServer;

  @Test
  void every_request_gets_the_same_shared_server(
      EmbeddedMariaDb first, EmbeddedMariaDb second, EmbeddedKafka kafka) {
    assertThat(first).isSameAs(second);
    assertThat(first.isRunning()).isTrue();
    assertThat(kafka.isRunning()).isTrue();
  }

  @Nested
  @Order(1)
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  class FirstClass {

    @Test
    @Order(1)
    void a_test_class_gets_a_database_its_user_can_write(
        TestDatabase database, EmbeddedMariaDb server) throws SQLException {
      assertThat(database.name()).startsWith("t_firstclass_").hasSizeLessThanOrEqualTo(64);
      try (Connection connection =
              DriverManager.getConnection(
                  database.jdbcUrl(), database.user(), database.password());
          Statement statement = connection.createStatement()) {
        statement.execute("CREATE TABLE marker (id INT PRIMARY KEY)");
      }
      firstClassDatabase = database;
      firstClassServer = server;
    }

    @Test
    @Order(2)
    void later_tests_of_the_class_get_the_same_database(TestDatabase database) {
      assertThat(database).isEqualTo(firstClassDatabase);
    }
  }

  @Nested
  @Order(2)
  class SecondClass {

    @Test
    void another_test_class_gets_another_database(TestDatabase database) throws SQLException {
      assertThat(database.name())
          .startsWith("t_secondclass_")
          .isNotEqualTo(firstClassDatabase.name());
      try (Connection connection =
              DriverManager.getConnection(
                  database.jdbcUrl(), database.user(), database.password());
          Statement statement = connection.createStatement();
          ResultSet tables = statement.executeQuery("SHOW TABLES")) {
        assertThat(tables.next()).as("tables in a fresh database").isFalse();
      }
    }

    @Test
    void the_database_of_a_finished_class_is_dropped() throws SQLException {
      try (Connection connection =
              DriverManager.getConnection(
                  firstClassServer.jdbcUrl(""),
                  firstClassServer.rootUser(),
                  firstClassServer.rootPassword());
          Statement statement = connection.createStatement();
          ResultSet schemas =
              statement.executeQuery(
                  "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = '"
                      + firstClassDatabase.name()
                      + "'")) {
        schemas.next();
        assertThat(schemas.getInt(1)).isZero();
      }
    }
  }
}
