package org.msgcenter.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalStackConfigTest {

  @Test
  void defaults_are_the_contract_ports_and_the_data_directory() {
    LocalStackConfig config = LocalStackConfig.defaults();

    assertThat(config.zooKeeperPort()).isEqualTo(2181);
    assertThat(config.kafkaPort()).isEqualTo(9092);
    assertThat(config.dbPort()).isEqualTo(3306);
    assertThat(config.topicPartitions()).isEqualTo(12);
    assertThat(config.zooKeeperDataDir()).isEqualTo(Path.of("data", "zookeeper"));
    assertThat(config.kafkaDataDir()).isEqualTo(Path.of("data", "kafka"));
    assertThat(config.dbDataDir()).isEqualTo(Path.of("data", "mariadb"));
  }

  @Test
  void environment_variables_override_the_defaults() {
    LocalStackConfig config =
        LocalStackConfig.fromEnvironment(
            Map.of(
                "MSGCENTER_ZK_PORT", "12181",
                "MSGCENTER_KAFKA_PORT", "19092",
                "MSGCENTER_DB_PORT", "13306",
                "MSGCENTER_DATA_DIR", "/var/tmp/stack",
                "MSGCENTER_TOPIC_PARTITIONS", "3",
                "MSGCENTER_DB_BUFFER_POOL", "256M"));

    assertThat(config.zooKeeperPort()).isEqualTo(12181);
    assertThat(config.kafkaPort()).isEqualTo(19092);
    assertThat(config.dbPort()).isEqualTo(13306);
    assertThat(config.kafkaDataDir()).isEqualTo(Path.of("/var/tmp/stack/kafka"));
    assertThat(config.topicPartitions()).isEqualTo(3);
    assertThat(config.dbBufferPool()).isEqualTo("256M");
  }

  @Test
  void a_bad_value_is_reported_with_its_variable_and_value() {
    assertThatThrownBy(() -> LocalStackConfig.fromEnvironment(Map.of("MSGCENTER_KAFKA_PORT", "x")))
        .hasMessage("MSGCENTER_KAFKA_PORT must be a whole number, was 'x'");
    assertThatThrownBy(() -> LocalStackConfig.fromEnvironment(Map.of("MSGCENTER_DB_PORT", "70000")))
        .hasMessage("MSGCENTER_DB_PORT must be a port 1-65535, was '70000'");
    assertThatThrownBy(
            () -> LocalStackConfig.fromEnvironment(Map.of("MSGCENTER_TOPIC_PARTITIONS", "0")))
        .hasMessage("MSGCENTER_TOPIC_PARTITIONS must be 1-10000, was '0'");
    assertThatThrownBy(
            () -> LocalStackConfig.fromEnvironment(Map.of("MSGCENTER_DB_BUFFER_POOL", "lots")))
        .hasMessage("MSGCENTER_DB_BUFFER_POOL must be a size like 512M or 2G, was 'lots'");
  }

  @Test
  void two_services_on_one_port_are_refused() {
    assertThatThrownBy(() -> LocalStackConfig.fromEnvironment(Map.of("MSGCENTER_DB_PORT", "9092")))
        .hasMessage("MSGCENTER_DB_PORT and MSGCENTER_KAFKA_PORT are both 9092");
  }
}
