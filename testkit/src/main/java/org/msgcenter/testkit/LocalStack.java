package org.msgcenter.testkit;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The infrastructure of a local Message Center in one process: ZooKeeper, Kafka and MariaDB on the
 * contract's ports (2181, 9092, 3306), with data kept under {@code ./data} across restarts. It
 * creates the databases {@code msgcenter} and {@code msgcenter_access}, the user {@code msgcenter}
 * (password {@code msgcenter}) with all rights on both, and the project's topics (12 partitions
 * each). Settings come from environment variables, see {@link LocalStackConfig}.
 *
 * <p>Run by {@code scripts/start.sh}, which waits for the line {@value #READY_LINE}; stopped by
 * {@code scripts/stop.sh} (SIGTERM) or Ctrl-C, which stop the servers in reverse order.
 */
public final class LocalStack implements AutoCloseable {

  /** Printed once everything is up. */
  public static final String READY_LINE = "Local stack ready";

  /** The message center's database. */
  public static final String DATABASE = "msgcenter";

  /** The access layer's database. */
  public static final String ACCESS_DATABASE = "msgcenter_access";

  /** The user with all rights on both databases. */
  public static final String USER = "msgcenter";

  /** The password of {@link #USER}. */
  public static final String PASSWORD = "msgcenter";

  /** The topics the stack creates. */
  public static final List<String> TOPICS =
      List.of(
          "msgcenter.notifications",
          "msgcenter.notifications.high",
          "msgcenter.notifications.dlq",
          "msgcenter.realtime",
          "msgcenter.receipts");

  private static final String LOGBACK_CONFIG = "logback-localstack.xml";

  private final LocalStackConfig config;
  private final Logger log = LoggerFactory.getLogger(LocalStack.class);
  private final Deque<AutoCloseable> started = new ArrayDeque<>();

  /** A stack with these settings, not yet started. */
  public LocalStack(LocalStackConfig config) {
    this.config = config;
  }

  /**
   * Starts ZooKeeper, Kafka and MariaDB, then creates the databases, the user and the topics.
   * Everything it creates is created only if missing. If a step fails, what was started is stopped
   * again.
   *
   * @throws PortInUseException naming the ports in use and their environment variables
   * @throws IllegalStateException if a server does not start
   */
  public synchronized void start() {
    requirePortsFree();
    try {
      log.info("Starting ZooKeeper on port {}", config.zooKeeperPort());
      EmbeddedZooKeeper zooKeeper =
          started(new EmbeddedZooKeeper(config.zooKeeperPort(), config.zooKeeperDataDir()));
      zooKeeper.start();

      log.info("Starting Kafka on port {}", config.kafkaPort());
      EmbeddedKafka kafka =
          started(
              EmbeddedKafka.builder()
                  .port(config.kafkaPort())
                  .controllerPort(config.kafkaControllerPort())
                  .advertisedHost("localhost")
                  .dataDir(config.kafkaDataDir())
                  .build());
      kafka.start();
      kafka.createTopics(config.topicPartitions(), TOPICS.toArray(String[]::new));

      log.info("Starting MariaDB on port {}", config.dbPort());
      EmbeddedMariaDb mariaDb =
          started(
              EmbeddedMariaDb.builder()
                  .port(config.dbPort())
                  .dataDir(config.dbDataDir())
                  .bufferPoolSize(config.dbBufferPool())
                  .build());
      mariaDb.start();
      mariaDb.createDatabase(DATABASE);
      mariaDb.createDatabase(ACCESS_DATABASE);
      mariaDb.createUser(USER, PASSWORD, DATABASE, ACCESS_DATABASE);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Stops what was started, in reverse order. Idempotent. */
  @Override
  public synchronized void close() {
    while (!started.isEmpty()) {
      AutoCloseable server = started.pop();
      try {
        server.close();
      } catch (Exception e) {
        log.warn("{} did not stop cleanly", server.getClass().getSimpleName(), e);
      }
    }
  }

  /** A table of what runs where, for people. */
  public String describe() {
    List<String[]> rows =
        List.of(
            new String[] {"service", "endpoint", "data"},
            new String[] {
              "ZooKeeper",
              "localhost:" + config.zooKeeperPort(),
              config.zooKeeperDataDir().toString()
            },
            new String[] {
              "Kafka",
              "localhost:"
                  + config.kafkaPort()
                  + " (controller "
                  + config.kafkaControllerPort()
                  + ")",
              config.kafkaDataDir().toString()
            },
            new String[] {
              "MariaDB",
              "jdbc:mariadb://localhost:" + config.dbPort() + "/" + DATABASE,
              config.dbDataDir() + " (buffer pool " + config.dbBufferPool() + ")"
            });
    StringBuilder table = new StringBuilder();
    for (String[] row : rows) {
      table.append(String.format("  %-10s %-44s %s%n", (Object[]) row));
    }
    table.append(
        String.format(
            "  %-10s databases %s and %s, user %s, password %s%n",
            "", DATABASE, ACCESS_DATABASE, USER, PASSWORD));
    for (int i = 0; i < TOPICS.size(); i++) {
      String service = i == 0 ? "Topics" : "";
      String note = i == 0 ? config.topicPartitions() + " partitions each" : "";
      table.append(String.format("  %-10s %-44s %s", service, TOPICS.get(i), note).stripTrailing());
      table.append(System.lineSeparator());
    }
    return table.toString();
  }

  private <T extends AutoCloseable> T started(T server) {
    started.push(server);
    return server;
  }

  private void requirePortsFree() {
    List<String> problems = new ArrayList<>();
    for (var entry :
        List.of(
            Map.entry("ZooKeeper (" + LocalStackConfig.ZK_PORT + ")", config.zooKeeperPort()),
            Map.entry("Kafka (" + LocalStackConfig.KAFKA_PORT + ")", config.kafkaPort()),
            Map.entry(
                "Kafka controller (" + LocalStackConfig.KAFKA_CONTROLLER_PORT + ")",
                config.kafkaControllerPort()),
            Map.entry("MariaDB (" + LocalStackConfig.DB_PORT + ")", config.dbPort()))) {
      try {
        Ports.requireFree(entry.getKey(), entry.getValue());
      } catch (PortInUseException e) {
        problems.add(e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new PortInUseException(String.join("; ", problems), null);
    }
  }

  /**
   * Starts the stack and runs until the process is told to stop (SIGTERM, Ctrl-C). Exit code 2 for
   * a configuration error, 1 if the stack did not start.
   */
  public static void main(String[] args) throws InterruptedException {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", LOGBACK_CONFIG);
    }
    LocalStackConfig config;
    try {
      config = LocalStackConfig.fromEnvironment(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("Configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    Logger log = LoggerFactory.getLogger(LocalStack.class);
    LocalStack stack = new LocalStack(config);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("Stopping local stack");
                  stack.close();
                  log.info("Local stack stopped");
                },
                "local-stack-stop"));
    long startedAt = System.nanoTime();
    try {
      stack.start();
    } catch (PortInUseException e) {
      System.err.println("Local stack did not start: " + e.getMessage());
      System.exit(1);
      return;
    } catch (RuntimeException e) {
      log.error("Local stack did not start", e);
      System.err.println("Local stack did not start: " + e.getMessage());
      System.exit(1);
      return;
    }
    System.out.println();
    System.out.print(stack.describe());
    System.out.printf("Started in %.1f s%n", (System.nanoTime() - startedAt) / 1e9);
    System.out.println(READY_LINE);
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
