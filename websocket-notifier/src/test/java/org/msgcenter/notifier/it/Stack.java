package org.msgcenter.notifier.it;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.msgcenter.api.Notification;
import org.msgcenter.api.Recipient;
import org.msgcenter.api.publish.NotificationPublisher;
import org.msgcenter.api.publish.PublisherConfig;
import org.msgcenter.center.MessageCenter;
import org.msgcenter.center.config.CenterConfig;
import org.msgcenter.notifier.Notifier;
import org.msgcenter.notifier.config.NotifierConfig;
import org.msgcenter.notifier.config.Settings;
import org.msgcenter.testkit.EmbeddedKafka;
import org.msgcenter.testkit.EmbeddedZooKeeper;
import org.msgcenter.testkit.FreePorts;
import org.msgcenter.testkit.TestDatabase;

/**
 * A real message center (Kafka, MariaDB, its Dubbo services registered in a ZooKeeper of this
 * stack's own) routing every notification to in-app, and notifiers in front of it; topics named for
 * this stack only.
 */
final class Stack implements AutoCloseable {
  static final String JWT_SECRET = "it-jwt-secret-of-at-least-32-bytes!";
  static final String ACCESS_TOKEN = "it-access-token";
  private static final AtomicInteger SEQ = new AtomicInteger();

  final String prefix;
  final EmbeddedKafka kafka;
  final EmbeddedZooKeeper zk;
  final TestDatabase db;
  final MessageCenter center;
  final NotificationPublisher publisher;
  final List<Notifier> notifiers = new ArrayList<>();

  Stack(EmbeddedKafka kafka, TestDatabase db, Path dataDir) {
    this.prefix = "nit" + SEQ.incrementAndGet() + "-" + ProcessHandle.current().pid() + ".";
    this.kafka = kafka;
    this.db = db;
    this.zk = new EmbeddedZooKeeper().start();
    kafka.createTopics(
        3,
        topic("notifications"),
        topic("notifications.high"),
        topic("dlq"),
        topic("receipts"),
        topic("realtime"));
    Map<String, String> s = new LinkedHashMap<>(CenterConfig.DEFAULTS);
    s.put("kafka.bootstrapServers", kafka.bootstrapServers());
    s.put("kafka.groupId", prefix + "center");
    s.put("kafka.topic.notifications", topic("notifications"));
    s.put("kafka.topic.high", topic("notifications.high"));
    s.put("kafka.topic.dlq", topic("dlq"));
    s.put("kafka.topic.receipts", topic("receipts"));
    s.put("channel.in-app.topic", topic("realtime"));
    s.put("channel.in-app.timeout", "5s");
    s.put("channel.webhook.secret", "it-webhook-secret");
    s.put("db.url", db.jdbcUrl());
    s.put("db.user", db.user());
    s.put("db.password", db.password());
    s.put("http.port", "0");
    s.put("zookeeper.connect", zk.connectString());
    s.put("data.dir", dataDir.toString());
    s.put("templates.dir", dataDir.resolve("templates").toString());
    s.put("shutdown.grace", "2s");
    s.put("route.default.channels", "in-app");
    s.put("dubbo.enabled", "true");
    s.put("dubbo.port", String.valueOf(FreePorts.next()));
    s.put("dubbo.tri.port", String.valueOf(FreePorts.next()));
    s.put("dubbo.accessToken", ACCESS_TOKEN);
    center =
        MessageCenter.start(
            CenterConfig.from(new org.msgcenter.center.config.Settings("test", s)),
            Clock.systemUTC(),
            getClass().getClassLoader());
    publisher =
        NotificationPublisher.kafka(
            PublisherConfig.builder()
                .bootstrapServers(kafka.bootstrapServers())
                .topic(topic("notifications"))
                .highTopic(topic("notifications.high"))
                .linger(Duration.ZERO)
                .build());
  }

  String topic(String name) {
    return prefix + name;
  }

  /** The settings of a notifier of this stack, on free ports. */
  Map<String, String> notifierSettings() {
    Map<String, String> s = new LinkedHashMap<>(NotifierConfig.DEFAULTS);
    s.put("profile", "it");
    s.put("socketio.host", "127.0.0.1");
    s.put("socketio.port", String.valueOf(FreePorts.next()));
    s.put("http.port", "0");
    s.put("jwt.secret", JWT_SECRET);
    s.put("kafka.bootstrapServers", kafka.bootstrapServers());
    s.put("kafka.topic.realtime", topic("realtime"));
    s.put("kafka.topic.receipts", topic("receipts"));
    s.put("zookeeper.connect", zk.connectString());
    s.put("dubbo.accessToken", ACCESS_TOKEN);
    s.put("dubbo.timeout", "15s");
    s.put("socketio.authTimeout", "2s");
    return s;
  }

  Notifier startNotifier() {
    return startNotifier(notifierSettings());
  }

  Notifier startNotifier(Map<String, String> settings) {
    Notifier n =
        Notifier.start(NotifierConfig.from(new Settings("test", settings)), Clock.systemUTC());
    notifiers.add(n);
    return n;
  }

  String token(String userId) {
    return Tokens.valid(JWT_SECRET, userId);
  }

  /** Publishes an in-app notification to the user; returns its messageId. */
  String publish(String userId, String title) {
    Notification n =
        Notification.builder()
            .bizType("payment.succeeded")
            .recipient(Recipient.ofUser(userId))
            .title(title)
            .content("Transfer received: 120.00")
            .data(Map.of("amount", "120.00"))
            .build();
    publisher.publish(n).join();
    return n.messageId();
  }

  /** The in-app delivery's status of a message, or null before it is recorded. */
  String inAppStatus(String messageId) {
    List<Map<String, Object>> r =
        rows(
            "SELECT status FROM delivery WHERE message_id = UNHEX(REPLACE(?, '-', ''))"
                + " AND channel = 'in-app'",
            messageId);
    return r.isEmpty() ? null : (String) r.get(0).get("status");
  }

  List<Map<String, Object>> rows(String sql, Object... args) {
    Properties p = new Properties();
    p.put("user", db.user());
    p.put("password", db.password());
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), p);
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      List<Map<String, Object>> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          Map<String, Object> row = new LinkedHashMap<>();
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

  @Override
  public void close() {
    // Consumers of the center's services before the provider.
    notifiers.forEach(Notifier::close);
    center.close();
    publisher.close();
    zk.close();
  }
}
