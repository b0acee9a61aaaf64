package org.msgcenter.center.it;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.msgcenter.api.Notification;
import org.msgcenter.api.publish.NotificationPublisher;
import org.msgcenter.api.publish.PublishResult;
import org.msgcenter.api.publish.PublisherConfig;
import org.msgcenter.center.MessageCenter;
import org.msgcenter.center.config.CenterConfig;
import org.msgcenter.center.config.Settings;
import org.msgcenter.testkit.EmbeddedKafka;

/**
 * A message center on real Kafka and a real MariaDB database, with its own topics, for one test
 * class; and the SQL a test needs to look at what it recorded.
 */
final class CenterHarness implements AutoCloseable {
  private static final AtomicInteger SEQ = new AtomicInteger();

  final String prefix;
  final EmbeddedKafka kafka;
  final String jdbcUrl;
  final String user;
  final String password;
  final Map<String, String> settings = new LinkedHashMap<>();
  final Path dataDir;
  NotificationPublisher publisher;
  MessageCenter center;

  CenterHarness(EmbeddedKafka kafka, String jdbcUrl, String user, String password, Path dataDir) {
    this.prefix = "it" + SEQ.incrementAndGet() + "-" + ProcessHandle.current().pid() + ".";
    this.kafka = kafka;
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
    this.dataDir = dataDir;
    settings.putAll(CenterConfig.DEFAULTS);
    settings.put("kafka.bootstrapServers", kafka.bootstrapServers());
    settings.put("kafka.groupId", prefix + "center");
    settings.put("kafka.topic.notifications", prefix + "notifications");
    settings.put("kafka.topic.high", prefix + "notifications.high");
    settings.put("kafka.topic.dlq", prefix + "dlq");
    settings.put("kafka.topic.receipts", prefix + "receipts");
    settings.put("channel.in-app.topic", prefix + "realtime");
    settings.put("channel.webhook.secret", "test-webhook-secret");
    settings.put("channel.webhook.allowPrivateTargets", "true");
    settings.put("channel.webhook.timeout", "2s");
    settings.put("channel.in-app.timeout", "5s");
    settings.put("db.url", jdbcUrl);
    settings.put("db.user", user);
    settings.put("db.password", password);
    settings.put("http.port", "0");
    // Registration has its own test (InstanceRegistryIT); these runs use unique ids anyway.
    settings.put("zookeeper.connect", "");
    settings.put("data.dir", dataDir.toString());
    settings.put("templates.dir", dataDir.resolve("templates").toString());
    settings.put("shutdown.grace", "2s");
    settings.put("route.default.channels", "in-app");
    // The query and command services have their own tests (DubboQueryIT, DubboCommandIT).
    settings.put("dubbo.enabled", "false");
    kafka.createTopics(
        3,
        topic("notifications"),
        topic("notifications.high"),
        topic("dlq"),
        topic("receipts"),
        topic("realtime"));
  }

  String topic(String name) {
    return prefix + name;
  }

  CenterHarness set(String key, String value) {
    settings.put(key, value);
    return this;
  }

  /** Sets a channel's settings ({@code channel.<name>.} + each key) and turns it on. */
  CenterHarness channel(String name, Map<String, String> channelSettings) {
    channelSettings.forEach((k, v) -> settings.put("channel." + name + "." + k, v));
    settings.put("channel." + name + ".enabled", "true");
    return this;
  }

  MessageCenter start() {
    return start(getClass().getClassLoader());
  }

  /** Starts the center with channels looked up in {@code plugins}. */
  MessageCenter start(ClassLoader plugins) {
    CenterConfig config = CenterConfig.from(new Settings("test", settings));
    center = MessageCenter.start(config, Clock.systemUTC(), plugins);
    if (publisher == null) {
      publisher = NotificationPublisher.kafka(publisherConfig().linger(Duration.ZERO).build());
    }
    return center;
  }

  /** A publisher's settings for this harness's broker and topics; callers add their own. */
  PublisherConfig.Builder publisherConfig() {
    return PublisherConfig.builder()
        .bootstrapServers(kafka.bootstrapServers())
        .topic(topic("notifications"))
        .highTopic(topic("notifications.high"));
  }

  void stopCenter() {
    if (center != null) {
      center.close();
      center = null;
    }
  }

  PublishResult publish(Notification n) {
    return publisher.publish(n).join();
  }

  Connection connect() throws SQLException {
    Properties p = new Properties();
    p.put("user", user);
    p.put("password", password);
    return DriverManager.getConnection(jdbcUrl, p);
  }

  /** Rows of a query as maps of column label to value. */
  List<Map<String, Object>> rows(String sql, Object... args) {
    try (Connection c = connect();
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

  long count(String sql, Object... args) {
    return ((Number) rows(sql, args).get(0).values().iterator().next()).longValue();
  }

  /** The deliveries of a message: channel, status, attempts, last_error, address. */
  List<Map<String, Object>> deliveries(String messageId) {
    return rows(
        "SELECT channel, status, attempts, last_error, address, HEX(delivery_id) AS id, next_attempt_at"
            + " FROM delivery WHERE message_id = UNHEX(REPLACE(?, '-', '')) ORDER BY channel",
        messageId);
  }

  /** The deliveries of a message by channel (one address per channel). */
  Map<String, Map<String, Object>> byChannel(String messageId) {
    Map<String, Map<String, Object>> out = new java.util.TreeMap<>();
    deliveries(messageId).forEach(d -> out.put((String) d.get("channel"), d));
    return out;
  }

  /** Whether no delivery of the message is waiting for an answer or for capacity. */
  boolean settled(String messageId) {
    List<Map<String, Object>> ds = deliveries(messageId);
    return !ds.isEmpty()
        && ds.stream()
            .noneMatch(d -> "SENDING".equals(d.get("status")) || "PENDING".equals(d.get("status")));
  }

  /** The attempts of a delivery (its hex id), oldest first. */
  List<Map<String, Object>> attempts(String deliveryHex) {
    return rows(
        "SELECT attempt, outcome, provider_receipt, error FROM delivery_attempt"
            + " WHERE delivery_id = UNHEX(?) ORDER BY attempt",
        deliveryHex);
  }

  /** A hex id from the database in the canonical UUID form. */
  static String uuid(String hex) {
    String h = hex.toLowerCase(java.util.Locale.ROOT);
    return h.substring(0, 8)
        + "-"
        + h.substring(8, 12)
        + "-"
        + h.substring(12, 16)
        + "-"
        + h.substring(16, 20)
        + "-"
        + h.substring(20);
  }

  String messageStatus(String messageId) {
    List<Map<String, Object>> r =
        rows("SELECT status FROM message WHERE message_id = UNHEX(REPLACE(?, '-', ''))", messageId);
    return r.isEmpty() ? null : (String) r.get(0).get("status");
  }

  /** The sum of a Prometheus metric's samples on the center's /metrics, or 0 when absent. */
  double metric(String name) throws java.io.IOException, InterruptedException {
    String body =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + center.httpPort() + "/metrics"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();
    return body.lines()
        .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  @Override
  public void close() {
    stopCenter();
    if (publisher != null) {
      publisher.close();
    }
  }
}
