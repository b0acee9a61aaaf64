package org.msgcenter.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

/**
 * A single Kafka node (broker and KRaft controller in one) running inside this JVM.
 *
 * <p>Defaults: random free ports for clients and the controller (picked once, so a restarted broker
 * keeps them), a temporary data directory deleted by {@link #close()}, listeners on 127.0.0.1 only,
 * advertised as {@code 127.0.0.1}. Internal topics have replication factor 1 and min ISR 1, the
 * offsets and transaction topics have 5 partitions (starts fast), {@code
 * group.initial.rebalance.delay.ms=0}, automatic topic creation is off (create topics with {@link
 * #createTopics}), {@code num.partitions=1}. A data directory given by the caller is never deleted;
 * it is formatted on first use only, so {@link #start()} after {@link #stop()}, or a new instance
 * on the same directory, finds its topics and records again.
 *
 * <p>This is the only class of the project that touches Kafka's server internals, which change
 * between Kafka versions; everything else uses kafka-clients.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final int NODE_ID = 1;
  private static final Duration TOPIC_READY_TIMEOUT = Duration.ofSeconds(30);

  private final int port;
  private final int controllerPort;
  private final String advertisedHost;
  private final Path dataDir;
  private final boolean ownsDataDir;
  private final Map<String, String> overrides;
  private KafkaRaftServer server;

  /** A node on random ports with a temporary data directory. */
  public EmbeddedKafka() {
    this(builder());
  }

  /**
   * @param port client port, or 0 for a random free port
   * @param dataDir data directory, created if missing and kept by {@link #close()}; or null for a
   *     temporary one that {@link #close()} deletes
   */
  public EmbeddedKafka(int port, Path dataDir) {
    this(builder().port(port).dataDir(dataDir));
  }

  private EmbeddedKafka(Builder builder) {
    this.port = Ports.requireValid("Kafka", builder.port);
    int controller = Ports.requireValid("Kafka controller", builder.controllerPort);
    while (controller == port && builder.controllerPort == 0) {
      controller = FreePorts.next();
    }
    if (controller == port) {
      throw new IllegalArgumentException("Kafka port and controller port are both " + port);
    }
    this.controllerPort = controller;
    this.advertisedHost = builder.advertisedHost;
    this.ownsDataDir = builder.dataDir == null;
    this.dataDir =
        ownsDataDir
            ? Dirs.createTemp("msgcenter-kafka-")
            : Dirs.createDirectories(builder.dataDir.toAbsolutePath());
    this.overrides = Map.copyOf(builder.brokerProperties);
  }

  /** A builder for the less common settings; its setters state the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Formats the data directory if it is new, then starts the node and waits until it serves
   * requests. Starts again on the same ports and data after {@link #stop()}. Does nothing if it is
   * running.
   *
   * @return this
   * @throws IllegalStateException if a port is in use or the node does not start
   */
  public synchronized EmbeddedKafka start() {
    if (server != null) {
      return this;
    }
    Ports.requireFree("Kafka", port);
    Ports.requireFree("Kafka controller", controllerPort);
    Properties props = brokerProperties();
    formatIfNew(props);
    KafkaRaftServer starting =
        new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    try {
      starting.startup();
    } catch (RuntimeException e) {
      shutdownQuietly(starting, e);
      throw new IllegalStateException("Kafka did not start on port " + port, e);
    }
    server = starting;
    return this;
  }

  /** Stops the node (controlled shutdown), keeping its data. Does nothing if it is not running. */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    KafkaRaftServer stopping = server;
    server = null;
    stopping.shutdown();
    stopping.awaitShutdown();
  }

  /** Stops the node and deletes its data directory if it is a temporary one. Idempotent. */
  @Override
  public synchronized void close() {
    try {
      stop();
    } finally {
      if (ownsDataDir) {
        Dirs.deleteRecursively(dataDir);
      }
    }
  }

  /** Whether the node is running. */
  public synchronized boolean isRunning() {
    return server != null;
  }

  /** The bootstrap servers for clients, {@code <advertised host>:<port>}. */
  public String bootstrapServers() {
    return advertisedHost + ":" + port;
  }

  /** The client port, fixed for the life of this object. */
  public int port() {
    return port;
  }

  /** The KRaft controller port, fixed for the life of this object. */
  public int controllerPort() {
    return controllerPort;
  }

  /** The data directory (Kafka's {@code log.dirs}). */
  public Path dataDir() {
    return dataDir;
  }

  /**
   * Creates topics with replication factor 1 and returns once every partition has a leader, so
   * clients can use them at once. Topics that already exist are left as they are (whatever their
   * partition count), so calling this again is harmless.
   *
   * @param partitions partitions of each new topic, at least 1
   * @param names topic names
   * @throws IllegalStateException if the node is not running, or Kafka refuses a topic
   */
  public void createTopics(int partitions, String... names) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
    }
    if (names.length == 0) {
      return;
    }
    if (!isRunning()) {
      throw new IllegalStateException("Kafka is not running");
    }
    List<NewTopic> topics = new ArrayList<>();
    for (String name : names) {
      topics.add(new NewTopic(Objects.requireNonNull(name, "topic name"), partitions, (short) 1));
    }
    try (Admin admin = Admin.create(adminConfig())) {
      for (var entry : admin.createTopics(topics).values().entrySet()) {
        try {
          entry.getValue().get(TOPIC_READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException(
                "Kafka refused to create topic " + entry.getKey(), e.getCause());
          }
        }
      }
      awaitLeaders(admin, List.of(names));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating topics", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka did not create topics in " + TOPIC_READY_TIMEOUT, e);
    }
  }

  private void awaitLeaders(Admin admin, List<String> names)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + TOPIC_READY_TIMEOUT.toNanos();
    while (true) {
      try {
        Map<String, TopicDescription> descriptions =
            admin.describeTopics(names).allTopicNames().get(5, TimeUnit.SECONDS);
        boolean ready =
            descriptions.values().stream()
                .flatMap(d -> d.partitions().stream())
                .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        if (ready) {
          return;
        }
      } catch (ExecutionException | TimeoutException e) {
        // Metadata for a just-created topic reaches the broker a moment after the controller.
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("Topics " + names + " have no leader yet");
      }
      Thread.sleep(50);
    }
  }

  private Map<String, Object> adminConfig() {
    return Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
  }

  private Properties brokerProperties() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", String.valueOf(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
    p.put(
        "listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://" + advertisedHost + ":" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", dataDir.toString());
    p.put("auto.create.topics.enable", "false");
    p.put("num.partitions", "1");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "5");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "5");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // Small thread pools and cleaner buffer: a test JVM on two cores, not a production broker.
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "4");
    p.put("num.recovery.threads.per.data.dir", "1");
    p.put("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
    p.putAll(overrides);
    Properties props = new Properties();
    props.putAll(p);
    return props;
  }

  /** Runs the {@code kafka-storage format} command unless the directory is already formatted. */
  private void formatIfNew(Properties props) {
    if (Files.exists(dataDir.resolve("meta.properties"))) {
      return;
    }
    Path config = null;
    try {
      config = Files.createTempFile("msgcenter-kafka-", ".properties");
      try (Writer writer = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
        props.store(writer, "written for kafka-storage format");
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      String[] args = {
        "format",
        "--cluster-id",
        Uuid.randomUuid().toString(),
        "--config",
        config.toString(),
        "--ignore-formatted"
      };
      int exitCode;
      try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
        exitCode = StorageTool.execute(args, print);
      }
      if (exitCode != 0) {
        throw new IllegalStateException(
            "Formatting Kafka storage in "
                + dataDir
                + " failed ("
                + exitCode
                + "): "
                + out.toString(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not format Kafka storage in " + dataDir, e);
    } catch (RuntimeException e) {
      throw new IllegalStateException("Formatting Kafka storage in " + dataDir + " failed", e);
    } finally {
      if (config != null) {
        try {
          Files.deleteIfExists(config);
        } catch (IOException ignored) {
          // A leftover temporary file is harmless.
        }
      }
    }
  }

  private static void shutdownQuietly(KafkaRaftServer server, RuntimeException cause) {
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  /** Settings for an {@link EmbeddedKafka}; each setter states its default. */
  public static final class Builder {
    private int port;
    private int controllerPort;
    private String advertisedHost = "127.0.0.1";
    private Path dataDir;
    private final Map<String, String> brokerProperties = new LinkedHashMap<>();

    private Builder() {}

    /** Client port; default 0, a random free port. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** KRaft controller port; default 0, a random free port. */
    public Builder controllerPort(int controllerPort) {
      this.controllerPort = controllerPort;
      return this;
    }

    /**
     * Host name the broker gives clients in metadata; default {@code 127.0.0.1}. The listeners bind
     * 127.0.0.1 whatever this says, so use a name that resolves to it, such as {@code localhost}.
     */
    public Builder advertisedHost(String advertisedHost) {
      if (advertisedHost == null || advertisedHost.isBlank()) {
        throw new IllegalArgumentException("advertisedHost must not be blank");
      }
      this.advertisedHost = advertisedHost;
      return this;
    }

    /** Data directory, kept by {@code close()}; default null, a temporary one deleted on close. */
    public Builder dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    /** Sets or overrides one broker property; default none beyond those in the class comment. */
    public Builder brokerProperty(String key, String value) {
      brokerProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, key));
      return this;
    }

    /**
     * Builds the node (not yet started).
     *
     * @throws IllegalArgumentException if a port is out of range or both ports are equal
     */
    public EmbeddedKafka build() {
      return new EmbeddedKafka(this);
    }
  }
}
