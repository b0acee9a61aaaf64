package org.msgcenter.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.AppInfoParser;
import org.msgcenter.testkit.EmbeddedKafka;
import org.msgcenter.testkit.EmbeddedMariaDb;
import org.msgcenter.testkit.EmbeddedZooKeeper;

/**
 * The infrastructure a run starts for itself, inside the bench JVM: ZooKeeper (where the center
 * registers its instance id), one Kafka node (KRaft) and one MariaDB server (a child process), all
 * on random free ports with temporary data directories that are deleted at the end; or, for the
 * growth and query scenarios, MariaDB on a data directory that is kept between runs, so that the
 * grown tables are loaded once. Nothing of the local stack is touched.
 */
final class Infrastructure implements AutoCloseable {
  /** The center's topics, as the local stack creates them. */
  static final List<String> CENTER_TOPICS =
      List.of(
          "msgcenter.notifications",
          "msgcenter.notifications.high",
          "msgcenter.notifications.dlq",
          "msgcenter.realtime",
          "msgcenter.receipts");

  /**
   * The benchmarks' own topics. Created at start with the center's: a producer whose first requests
   * race the new topic's leadership may be refused (NOT_LEADER), and an idempotent one then
   * sometimes retries into an out-of-order sequence until its delivery timeout.
   */
  static final List<String> BENCH_TOPICS =
      List.of(KafkaRoof.TOPIC, Publishing.ACCEPT_TOPIC, Publishing.ACCEPT_TOPIC + ".high");

  static final int PARTITIONS = 12;
  static final String USER = "msgcenter";
  static final String PASSWORD = "msgcenter";

  /** MariaDB variables worth stating next to the results. */
  private static final List<String> REPORTED_VARIABLES =
      List.of(
          "innodb_buffer_pool_size",
          "innodb_log_file_size",
          "innodb_flush_log_at_trx_commit",
          "innodb_flush_method",
          "innodb_io_capacity",
          "sync_binlog",
          "log_bin",
          "max_connections");

  private final EmbeddedZooKeeper zooKeeper;
  private final EmbeddedKafka kafka;
  private final EmbeddedMariaDb mariaDb;
  private final String bufferPool;
  private final boolean keptDataDir;

  private Infrastructure(
      EmbeddedZooKeeper zooKeeper,
      EmbeddedKafka kafka,
      EmbeddedMariaDb mariaDb,
      String bufferPool,
      boolean keptDataDir) {
    this.zooKeeper = zooKeeper;
    this.kafka = kafka;
    this.mariaDb = mariaDb;
    this.bufferPool = bufferPool;
    this.keptDataDir = keptDataDir;
  }

  /**
   * Starts everything; MariaDB on {@code keptDataDir} (created if missing, never deleted) when it
   * is not null, else on a temporary data directory.
   */
  static Infrastructure start(String bufferPool, Path keptDataDir) {
    EmbeddedKafka kafka = EmbeddedKafka.builder().build();
    EmbeddedMariaDb mariaDb =
        EmbeddedMariaDb.builder().bufferPoolSize(bufferPool).dataDir(keptDataDir).build();
    EmbeddedZooKeeper zooKeeper = new EmbeddedZooKeeper();
    Infrastructure infra =
        new Infrastructure(zooKeeper, kafka, mariaDb, bufferPool, keptDataDir != null);
    try {
      zooKeeper.start();
      kafka.start();
      kafka.createTopics(PARTITIONS, CENTER_TOPICS.toArray(String[]::new));
      kafka.createTopics(PARTITIONS, BENCH_TOPICS.toArray(String[]::new));
      mariaDb.start();
      return infra;
    } catch (RuntimeException e) {
      infra.close();
      throw e;
    }
  }

  String zooKeeperConnect() {
    return zooKeeper.connectString();
  }

  String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** Creates a fresh, empty database that {@link #USER} owns. */
  void freshDatabase(String name) {
    mariaDb.dropDatabase(name);
    mariaDb.createDatabase(name);
    mariaDb.createUser(USER, PASSWORD, name);
  }

  /** Creates database {@code name} unless it exists, and lets {@link #USER} own it. */
  void createDatabaseIfMissing(String name) {
    mariaDb.createDatabase(name);
    mariaDb.createUser(USER, PASSWORD, name);
  }

  void dropDatabase(String name) {
    mariaDb.dropDatabase(name);
  }

  String jdbcUrl(String database) {
    return mariaDb.jdbcUrl(database);
  }

  Connection rootConnection(String database) throws SQLException {
    return DriverManager.getConnection(
        mariaDb.jdbcUrl(database), mariaDb.rootUser(), mariaDb.rootPassword());
  }

  /** The mariadbd process id, for CPU accounting; -1 if it cannot be read. */
  long mariaDbPid() {
    try {
      return Long.parseLong(Files.readString(mariaDb.dataDir().resolve("mariadbd.pid")).strip());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  Path mariaDbDataDir() {
    return mariaDb.dataDir();
  }

  /** Versions and settings, for the report. */
  Map<String, Object> describe() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(
        "kafka",
        AppInfoParser.getVersion() + " (embedded KRaft node, one broker, in the bench JVM)");
    out.put("kafkaPartitions", PARTITIONS);
    Map<String, Object> db = new LinkedHashMap<>();
    try (Connection c = rootConnection(null);
        Statement s = c.createStatement()) {
      try (ResultSet r = s.executeQuery("SELECT VERSION()")) {
        r.next();
        db.put("version", r.getString(1));
      }
      db.put("driver", "mariadb-java-client " + c.getMetaData().getDriverVersion());
      for (String v : REPORTED_VARIABLES) {
        try (ResultSet r = s.executeQuery("SHOW GLOBAL VARIABLES LIKE '" + v + "'")) {
          if (r.next()) {
            db.put(v, r.getString(2));
          }
        }
      }
    } catch (SQLException e) {
      db.put("error", e.getMessage());
    }
    db.put("bufferPoolRequested", bufferPool);
    db.put("dataDir", mariaDb.dataDir().toString());
    db.put("dataDirKept", keptDataDir);
    out.put("mariadb", db);
    return out;
  }

  @Override
  public void close() {
    try {
      mariaDb.close();
    } finally {
      try {
        kafka.close();
      } finally {
        zooKeeper.close();
      }
    }
  }
}
