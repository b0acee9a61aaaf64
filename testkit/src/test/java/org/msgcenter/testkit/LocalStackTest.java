package org.msgcenter.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStackTest {

  @Test
  void the_stack_creates_databases_user_and_topics_and_keeps_them_across_restarts(
      @TempDir Path dataDir) throws Exception {
    LocalStackConfig config =
        new LocalStackConfig(
            FreePorts.next(),
            FreePorts.next(),
            FreePorts.next(),
            FreePorts.next(),
            dataDir,
            2,
            "64M");

    try (LocalStack stack = new LocalStack(config)) {
      stack.start();
      try (Connection connection = connectAsMsgcenter(config, LocalStack.ACCESS_DATABASE);
          Statement statement = connection.createStatement()) {
        statement.execute("CREATE TABLE kept (id INT PRIMARY KEY)");
      }
      assertThat(stack.describe()).contains("localhost:" + config.kafkaPort());
    }

    try (LocalStack stack = new LocalStack(config)) {
      stack.start();
      try (Connection connection = connectAsMsgcenter(config, LocalStack.ACCESS_DATABASE);
          Statement statement = connection.createStatement()) {
        assertThat(statement.executeQuery("SELECT COUNT(*) FROM kept").next()).isTrue();
      }
      connectAsMsgcenter(config, LocalStack.DATABASE).close();
      try (Admin admin =
          Admin.create(
              Map.of(
                  AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + config.kafkaPort()))) {
        Map<String, TopicDescription> topics =
            admin.describeTopics(LocalStack.TOPICS).allTopicNames().get(10, TimeUnit.SECONDS);
        assertThat(topics).containsOnlyKeys(LocalStack.TOPICS);
        assertThat(topics.values()).allSatisfy(t -> assertThat(t.partitions()).hasSize(2));
      }
    }
    assertThat(dataDir.resolve("zookeeper")).isDirectory();
    assertThat(dataDir.resolve("kafka")).isDirectory();
    assertThat(dataDir.resolve("mariadb")).isDirectory();
  }

  @Test
  void a_port_in_use_is_named_with_its_variable(@TempDir Path dataDir) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      LocalStackConfig config =
          new LocalStackConfig(
              FreePorts.next(), port, FreePorts.next(), FreePorts.next(), dataDir, 1, "64M");

      try (LocalStack stack = new LocalStack(config)) {
        assertThatThrownBy(stack::start)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining(
                "Kafka (MSGCENTER_KAFKA_PORT) port " + port + " is already in use");
      }
    }
  }

  private static Connection connectAsMsgcenter(LocalStackConfig config, String database)
      throws SQLException {
    return DriverManager.getConnection(
        "jdbc:mariadb://localhost:" + config.dbPort() + "/" + database,
        LocalStack.USER,
        LocalStack.PASSWORD);
  }
}
