package org.msgcenter.testkit;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Settings of the {@link LocalStack}, read from environment variables.
 *
 * <table>
 *   <caption>Environment variables</caption>
 *   <tr><th>variable</th><th>default</th></tr>
 *   <tr><td>{@code MSGCENTER_ZK_PORT}</td><td>2181</td></tr>
 *   <tr><td>{@code MSGCENTER_KAFKA_PORT}</td><td>9092</td></tr>
 *   <tr><td>{@code MSGCENTER_KAFKA_CONTROLLER_PORT}</td><td>9093</td></tr>
 *   <tr><td>{@code MSGCENTER_DB_PORT}</td><td>3306</td></tr>
 *   <tr><td>{@code MSGCENTER_DATA_DIR}</td><td>{@code data} (relative to the working
 *       directory)</td></tr>
 *   <tr><td>{@code MSGCENTER_TOPIC_PARTITIONS}</td><td>12</td></tr>
 *   <tr><td>{@code MSGCENTER_DB_BUFFER_POOL}</td><td>2G</td></tr>
 * </table>
 *
 * @param zooKeeperPort ZooKeeper client port
 * @param kafkaPort Kafka client port
 * @param kafkaControllerPort Kafka KRaft controller port
 * @param dbPort MariaDB port
 * @param dataDir parent of the {@code zookeeper}, {@code kafka} and {@code mariadb} data
 *     directories
 * @param topicPartitions partitions of each topic the stack creates (topics that exist keep theirs)
 * @param dbBufferPool InnoDB buffer pool size, MariaDB notation ({@code 512M}, {@code 2G})
 */
public record LocalStackConfig(
    int zooKeeperPort,
    int kafkaPort,
    int kafkaControllerPort,
    int dbPort,
    Path dataDir,
    int topicPartitions,
    String dbBufferPool) {

  // Environment variables.
  public static final String ZK_PORT = "MSGCENTER_ZK_PORT";
  public static final String KAFKA_PORT = "MSGCENTER_KAFKA_PORT";
  public static final String KAFKA_CONTROLLER_PORT = "MSGCENTER_KAFKA_CONTROLLER_PORT";
  public static final String DB_PORT = "MSGCENTER_DB_PORT";
  public static final String DATA_DIR = "MSGCENTER_DATA_DIR";
  public static final String TOPIC_PARTITIONS = "MSGCENTER_TOPIC_PARTITIONS";
  public static final String DB_BUFFER_POOL = "MSGCENTER_DB_BUFFER_POOL";

  // Their defaults.
  public static final int DEFAULT_ZK_PORT = 2181;
  public static final int DEFAULT_KAFKA_PORT = 9092;
  public static final int DEFAULT_KAFKA_CONTROLLER_PORT = 9093;
  public static final int DEFAULT_DB_PORT = 3306;
  public static final String DEFAULT_DATA_DIR = "data";
  public static final int DEFAULT_TOPIC_PARTITIONS = 12;
  public static final String DEFAULT_DB_BUFFER_POOL = "2G";

  private static final Pattern SIZE =
      Pattern.compile("[1-9][0-9]*[KMG]?", Pattern.CASE_INSENSITIVE);

  /**
   * Validates the settings.
   *
   * @throws IllegalArgumentException naming the environment variable and the bad value
   */
  public LocalStackConfig {
    requirePort(ZK_PORT, zooKeeperPort);
    requirePort(KAFKA_PORT, kafkaPort);
    requirePort(KAFKA_CONTROLLER_PORT, kafkaControllerPort);
    requirePort(DB_PORT, dbPort);
    if (dataDir == null || dataDir.toString().isBlank()) {
      throw new IllegalArgumentException(DATA_DIR + " must not be empty");
    }
    if (topicPartitions < 1 || topicPartitions > 10_000) {
      throw new IllegalArgumentException(
          TOPIC_PARTITIONS + " must be 1-10000, was '" + topicPartitions + "'");
    }
    if (dbBufferPool == null || !SIZE.matcher(dbBufferPool).matches()) {
      throw new IllegalArgumentException(
          DB_BUFFER_POOL + " must be a size like 512M or 2G, was '" + dbBufferPool + "'");
    }
    Map<Integer, String> seen = new LinkedHashMap<>();
    for (var entry :
        List.of(
            Map.entry(ZK_PORT, zooKeeperPort),
            Map.entry(KAFKA_PORT, kafkaPort),
            Map.entry(KAFKA_CONTROLLER_PORT, kafkaControllerPort),
            Map.entry(DB_PORT, dbPort))) {
      String other = seen.putIfAbsent(entry.getValue(), entry.getKey());
      if (other != null) {
        throw new IllegalArgumentException(
            entry.getKey() + " and " + other + " are both " + entry.getValue());
      }
    }
  }

  /** The defaults: the ports and names of the project's contract. */
  public static LocalStackConfig defaults() {
    return fromEnvironment(Map.of());
  }

  /**
   * Reads the settings from environment variables, using the default for each one that is unset or
   * blank.
   *
   * @throws IllegalArgumentException naming the variable and the bad value
   */
  public static LocalStackConfig fromEnvironment(Map<String, String> env) {
    return new LocalStackConfig(
        intValue(env, ZK_PORT, DEFAULT_ZK_PORT),
        intValue(env, KAFKA_PORT, DEFAULT_KAFKA_PORT),
        intValue(env, KAFKA_CONTROLLER_PORT, DEFAULT_KAFKA_CONTROLLER_PORT),
        intValue(env, DB_PORT, DEFAULT_DB_PORT),
        Path.of(value(env, DATA_DIR, DEFAULT_DATA_DIR)),
        intValue(env, TOPIC_PARTITIONS, DEFAULT_TOPIC_PARTITIONS),
        value(env, DB_BUFFER_POOL, DEFAULT_DB_BUFFER_POOL));
  }

  /** Data directory of ZooKeeper. */
  public Path zooKeeperDataDir() {
    return dataDir.resolve("zookeeper");
  }

  /** Data directory of Kafka. */
  public Path kafkaDataDir() {
    return dataDir.resolve("kafka");
  }

  /** Data directory of MariaDB. */
  public Path dbDataDir() {
    return dataDir.resolve("mariadb");
  }

  private static String value(Map<String, String> env, String key, String defaultValue) {
    String value = env.get(key);
    return value == null || value.isBlank() ? defaultValue : value.trim();
  }

  private static int intValue(Map<String, String> env, String key, int defaultValue) {
    String value = value(env, key, String.valueOf(defaultValue));
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number, was '" + value + "'");
    }
  }

  private static void requirePort(String key, int port) {
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException(key + " must be a port 1-65535, was '" + port + "'");
    }
  }
}
