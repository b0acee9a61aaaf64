package org.msgcenter.access.it;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.msgcenter.access.AccessServer;
import org.msgcenter.access.config.AccessConfig;
import org.msgcenter.access.config.Settings;
import org.msgcenter.center.MessageCenter;
import org.msgcenter.center.config.CenterConfig;
import org.msgcenter.testkit.EmbeddedKafka;
import org.msgcenter.testkit.EmbeddedMariaDb;
import org.msgcenter.testkit.EmbeddedZooKeeper;
import org.msgcenter.testkit.FreePorts;
import org.msgcenter.testkit.TestDatabase;

/**
 * A real message center (with its Dubbo services registered in a ZooKeeper of its own) and an
 * access server in front of it, on real Kafka and MariaDB, with topics and databases of their own,
 * for one test class.
 */
final class Stack implements AutoCloseable {
  static final String CENTER_TOKEN = "it-center-token";
  static final String API_KEY = "it-api-key-0001";
  private static final AtomicInteger SEQ = new AtomicInteger();

  final String prefix;
  final EmbeddedKafka kafka;
  final EmbeddedMariaDb mariaDb;
  final TestDatabase centerDb;
  final String accessDb;
  final String accessPassword = UUID.randomUUID().toString();
  final EmbeddedZooKeeper zk;
  final Map<String, String> center = new LinkedHashMap<>();
  final Map<String, String> access = new LinkedHashMap<>();
  MessageCenter messageCenter;
  final List<AccessServer> servers = new ArrayList<>();
  private org.msgcenter.notifier.Notifier notifier;

  /** The SMTP server the center's email channel sends to. */
  final GreenMail mail;

  Stack(EmbeddedKafka kafka, EmbeddedMariaDb mariaDb, TestDatabase centerDb, Path dir) {
    this.prefix = "acc" + SEQ.incrementAndGet() + "-" + ProcessHandle.current().pid() + ".";
    this.kafka = kafka;
    this.mariaDb = mariaDb;
    this.centerDb = centerDb;
    this.accessDb = "a_" + centerDb.name();
    mariaDb.createDatabase(accessDb);
    mariaDb.createUser(accessDb, accessPassword, accessDb);
    this.zk = new EmbeddedZooKeeper().start();
    kafka.createTopics(
        3,
        topic("notifications"),
        topic("notifications.high"),
        topic("dlq"),
        topic("receipts"),
        topic("realtime"));

    center.putAll(CenterConfig.DEFAULTS);
    center.put("kafka.bootstrapServers", kafka.bootstrapServers());
    center.put("kafka.groupId", prefix + "center");
    center.put("kafka.topic.notifications", topic("notifications"));
    center.put("kafka.topic.high", topic("notifications.high"));
    center.put("kafka.topic.dlq", topic("dlq"));
    center.put("kafka.topic.receipts", topic("receipts"));
    center.put("channel.in-app.topic", topic("realtime"));
    center.put("channel.webhook.secret", "it-webhook-secret");
    mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
    mail.start();
    center.put("channel.email.enabled", "true");
    center.put("channel.email.host", "127.0.0.1");
    center.put("channel.email.port", String.valueOf(mail.getSmtp().getPort()));
    center.put("channel.email.security", "none");
    center.put("channel.email.from", "Shop <no-reply@shop.example>");
    center.put("channel.email.timeout", "5s");
    center.put("db.url", centerDb.jdbcUrl());
    center.put("db.user", centerDb.user());
    center.put("db.password", centerDb.password());
    center.put("http.port", "0");
    center.put("zookeeper.connect", zk.connectString());
    center.put("data.dir", dir.resolve("center").toString());
    center.put("templates.dir", templates(dir).toString());
    center.put("shutdown.grace", "2s");
    center.put("route.default.channels", "in-app");
    center.put("dubbo.enabled", "true");
    center.put("dubbo.port", String.valueOf(FreePorts.next()));
    center.put("dubbo.tri.port", String.valueOf(FreePorts.next()));
    center.put("dubbo.accessToken", CENTER_TOKEN);

    access.putAll(AccessConfig.DEFAULTS);
    access.put("http.host", "127.0.0.1");
    access.put("http.port", "0");
    access.put("db.url", mariaDb.jdbcUrl(accessDb));
    access.put("db.user", accessDb);
    access.put("db.password", accessPassword);
    access.put("kafka.bootstrapServers", kafka.bootstrapServers());
    access.put("kafka.topic.notifications", topic("notifications"));
    access.put("kafka.topic.high", topic("notifications.high"));
    access.put("outbox.interval", "50ms");
    access.put("center.zookeeper", zk.connectString());
    access.put("center.accessToken", CENTER_TOKEN);
    access.put("integration.apiKeys", "billing:" + API_KEY);
    // Fast hashes keep sign-ins quick in tests; the stored format carries the count.
    access.put("password.iterations", "10000");
  }

  /** The shipped templates (conf/templates), so the business modules' notifications render. */
  private static Path templates(Path dir) {
    Path target = dir.resolve("templates");
    try {
      Files.createDirectories(target);
      try (var files = Files.list(Path.of(System.getProperty("conf.dir"), "templates"))) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Files.copy(f, target.resolve(f.getFileName()));
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return target;
  }

  String topic(String name) {
    return prefix + name;
  }

  Stack startCenter() {
    messageCenter =
        MessageCenter.start(
            CenterConfig.from(new org.msgcenter.center.config.Settings("test", center)),
            Clock.systemUTC(),
            getClass().getClassLoader());
    return this;
  }

  /** Starts an access server with the current settings; the first one is {@link #api()}. */
  AccessServer startAccess() {
    AccessServer server =
        AccessServer.start(
            AccessConfig.from(new Settings(access)),
            Clock.systemUTC(),
            getClass().getClassLoader());
    servers.add(server);
    return server;
  }

  /**
   * Starts a websocket-notifier on this stack's topics and ZooKeeper, accepting the access server's
   * user tokens and browsers from {@code origin}; returns its Socket.IO port.
   */
  int startNotifier(String origin) {
    Map<String, String> n =
        new java.util.LinkedHashMap<>(org.msgcenter.notifier.config.NotifierConfig.DEFAULTS);
    n.put("socketio.host", "127.0.0.1");
    n.put("socketio.port", String.valueOf(FreePorts.next()));
    n.put("socketio.allowedOrigins", origin);
    n.put("http.port", "0");
    n.put("jwt.secret", access.get("jwt.secret"));
    n.put("kafka.bootstrapServers", kafka.bootstrapServers());
    n.put("kafka.topic.realtime", topic("realtime"));
    n.put("kafka.topic.receipts", topic("receipts"));
    n.put("zookeeper.connect", zk.connectString());
    n.put("dubbo.accessToken", CENTER_TOKEN);
    notifier =
        org.msgcenter.notifier.Notifier.start(
            org.msgcenter.notifier.config.NotifierConfig.from(
                new org.msgcenter.notifier.config.Settings("test", n)),
            Clock.systemUTC());
    return notifier.socketIoPort();
  }

  Api api() {
    return new Api(servers.get(0).port());
  }

  /** Rows of a query on the access database. */
  List<Map<String, Object>> accessRows(String sql, Object... args) {
    return rows(mariaDb.jdbcUrl(accessDb), accessDb, accessPassword, sql, args);
  }

  /** Rows of a query on the center's database. */
  List<Map<String, Object>> centerRows(String sql, Object... args) {
    return rows(centerDb.jdbcUrl(), centerDb.user(), centerDb.password(), sql, args);
  }

  Connection centerConnection() throws SQLException {
    return DriverManager.getConnection(centerDb.jdbcUrl(), centerDb.user(), centerDb.password());
  }

  private static List<Map<String, Object>> rows(
      String url, String user, String password, String sql, Object... args) {
    try (Connection c = DriverManager.getConnection(url, user, password);
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      List<Map<String, Object>> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          Map<String, Object> row = new HashMap<>();
          for (int i = 1; i <= n; i++) {
            row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
          }
          out.add(row);
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Access servers first (they are the center's consumers), then the center, then ZooKeeper. */
  @Override
  public void close() {
    if (notifier != null) {
      notifier.close();
    }
    for (AccessServer s : servers) {
      s.close();
    }
    if (messageCenter != null) {
      messageCenter.close();
    }
    zk.close();
    mail.stop();
    if (mariaDb.isRunning()) {
      mariaDb.dropDatabase(accessDb);
      mariaDb.dropUser(accessDb);
    }
  }
}
