package org.msgcenter.api.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mariadb.jdbc.MariaDbDataSource;
import org.msgcenter.api.Notification;
import org.msgcenter.api.NotificationCodec;
import org.msgcenter.api.Recipient;
import org.msgcenter.api.publish.NotificationPublisher;
import org.msgcenter.api.publish.PublishException;
import org.msgcenter.api.publish.PublishResult;
import org.msgcenter.api.publish.PublisherConfig;
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.EmbeddedKafka;
import org.msgcenter.testkit.HandClock;
import org.msgcenter.testkit.TestDatabase;

/**
 * The outbox on a real MariaDB and a real Kafka broker: what commits reaches the topic, whatever
 * happens to the relay between the commit and the mark; what rolls back never does.
 */
@ExtendWith(EmbeddedInfrastructure.class)
class OutboxRelayIT {
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static final Duration LEASE = Duration.ofSeconds(30);

  private final EmbeddedKafka kafka;
  private final MariaDbDataSource dataSource;
  private final HandClock clock = new HandClock(Instant.parse("2026-11-28T10:00:00Z"));
  private String table;
  private String topic;
  private NotificationPublisher kafkaPublisher;
  private OutboxPublisher outbox;

  OutboxRelayIT(EmbeddedKafka kafka, TestDatabase db) throws SQLException {
    this.kafka = kafka;
    this.dataSource = new MariaDbDataSource(db.jdbcUrl());
    dataSource.setUser(db.user());
    dataSource.setPassword(db.password());
  }

  @BeforeEach
  void createTableAndTopic() throws SQLException {
    int n = SEQ.incrementAndGet();
    table = "outbox_" + n;
    topic = "it.outbox." + n + "." + ProcessHandle.current().pid();
    kafka.createTopics(1, topic, topic + ".high");
    try (Connection c = dataSource.getConnection();
        Statement st = c.createStatement()) {
      st.execute(OutboxTable.ddl(table));
    }
    kafkaPublisher =
        NotificationPublisher.kafka(
            PublisherConfig.builder()
                .bootstrapServers(kafka.bootstrapServers())
                .topic(topic)
                .highTopic(topic + ".high")
                .linger(Duration.ZERO)
                .build());
    outbox = OutboxPublisher.create(table, clock);
  }

  @AfterEach
  void closePublisher() {
    kafkaPublisher.close();
  }

  private OutboxRelay.Builder relay(DataSource ds, NotificationPublisher publisher) {
    return OutboxRelay.builder(ds, publisher)
        .table(table)
        .clock(clock)
        .lease(LEASE)
        .interval(Duration.ofMillis(50));
  }

  private static Notification notification(String userId) {
    return Notification.builder()
        .bizType("payment.received")
        .recipient(Recipient.ofUser(userId))
        .content("You received 10.00")
        .build();
  }

  /** Publishes into the outbox and commits, as a business module does. */
  private void commit(Notification... notifications) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      for (Notification n : notifications) {
        outbox.publish(c, n);
      }
      c.commit();
    }
  }

  @Test
  void a_rolled_back_transaction_publishes_nothing() throws SQLException {
    Notification rolledBack = notification("u-rollback");
    Notification committed = notification("u-commit");
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      outbox.publish(c, rolledBack);
      c.rollback();
    }
    commit(committed);

    assertThat(relay(dataSource, kafkaPublisher).build().runOnce()).isEqualTo(1);

    // The committed one is on the topic; everything before it was read too, and it is alone.
    assertThat(idsOnTopic(1)).containsExactly(committed.messageId());
    assertThat(rows()).extracting(r -> r.get("message_id")).containsExactly(committed.messageId());
  }

  @Test
  void rows_committed_while_no_relay_runs_are_published_once_one_starts() throws SQLException {
    Notification a = notification("u-a");
    Notification b = notification("u-b");
    Notification c = notification("u-c");
    commit(a, b);
    commit(c);
    assertThat(idsOnTopic(0)).isEmpty();

    try (OutboxRelay relay = relay(dataSource, kafkaPublisher).build()) {
      assertThat(relay.backlog().rows()).isEqualTo(3);
      assertThat(relay.backlog().oldest()).contains(clock.instant());
      relay.start();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> rows().stream().allMatch(r -> r.get("sent_at") != null));
    }
    assertThat(idsOnTopic(3))
        .containsExactly(a.messageId(), b.messageId(), c.messageId())
        .doesNotHaveDuplicates();
    assertThat(relay(dataSource, kafkaPublisher).build().backlog().rows()).isZero();
  }

  @Test
  void a_relay_that_dies_between_publish_and_mark_leaves_the_row_to_the_next_relay()
      throws SQLException {
    Notification n = notification("u-crash");
    commit(n);
    OutboxRelay dying = relay(failingMarks(dataSource), kafkaPublisher).build();

    assertThatThrownBy(dying::runOnce)
        .isInstanceOf(OutboxException.class)
        .hasMessageContaining("mark 1 rows sent");
    assertThat(idsOnTopic(1)).containsExactly(n.messageId());
    assertThat(rows().get(0)).containsEntry("sent_at", null).containsEntry("attempts", 1);

    OutboxRelay next = relay(dataSource, kafkaPublisher).build();
    assertThat(next.runOnce()).as("the row is still leased to the dead relay").isZero();
    clock.advance(LEASE.plusSeconds(1));
    assertThat(next.runOnce()).isEqualTo(1);

    // Published twice with the same messageId: at-least-once; the center records it once.
    assertThat(idsOnTopic(2)).containsExactly(n.messageId(), n.messageId());
    assertThat(rows().get(0).get("sent_at")).isNotNull();
    assertThat(rows().get(0)).containsEntry("attempts", 2);
  }

  @Test
  void a_failed_publish_is_retried_after_its_backoff() throws SQLException {
    Notification n = notification("u-retry");
    commit(n);
    AtomicInteger calls = new AtomicInteger();
    NotificationPublisher flaky =
        new NotificationPublisher() {
          @Override
          public CompletableFuture<PublishResult> publish(Notification notification) {
            if (calls.incrementAndGet() == 1) {
              return CompletableFuture.failedFuture(
                  new PublishException(notification.messageId(), "broker away", true, null));
            }
            return kafkaPublisher.publish(notification);
          }

          @Override
          public void close() {}
        };
    OutboxRelay relay = relay(dataSource, flaky).backoff(Duration.ofSeconds(5)).build();

    assertThat(relay.runOnce()).isZero();
    assertThat(rows().get(0)).containsEntry("last_error", "broker away");
    assertThat(relay.runOnce()).as("not due before the backoff").isZero();
    clock.advance(Duration.ofSeconds(5));
    assertThat(relay.runOnce()).isEqualTo(1);
    assertThat(idsOnTopic(1)).containsExactly(n.messageId());
    assertThat(relay.failures()).isEqualTo(1);
  }

  @Test
  void sent_rows_are_deleted_after_the_retention() throws SQLException {
    commit(notification("u-old"));
    OutboxRelay relay = relay(dataSource, kafkaPublisher).retention(Duration.ofDays(1)).build();
    assertThat(relay.runOnce()).isEqualTo(1);
    relay.runOnce();
    assertThat(rows()).hasSize(1);
    clock.advance(Duration.ofDays(1).plusSeconds(1));
    relay.runOnce();
    assertThat(rows()).isEmpty();
  }

  @Test
  void publish_refuses_a_connection_in_auto_commit_mode() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      assertThatThrownBy(() -> outbox.publish(c, notification("u-auto")))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("auto-commit");
    }
    assertThat(rows()).isEmpty();
  }

  /** The outbox rows, oldest first, as maps of column to value. */
  private List<Map<String, Object>> rows() throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT message_id, attempts, last_error, sent_at FROM " + table + " ORDER BY id");
        ResultSet rs = ps.executeQuery()) {
      List<Map<String, Object>> out = new ArrayList<>();
      while (rs.next()) {
        Map<String, Object> row = new java.util.HashMap<>();
        row.put("message_id", rs.getString(1));
        row.put("attempts", rs.getInt(2));
        row.put("last_error", rs.getString(3));
        row.put("sent_at", rs.getObject(4));
        out.add(row);
      }
      return out;
    }
  }

  /**
   * The messageIds on the topic, in order, once at least {@code expected} records are there (and a
   * short while later, so that extra records would show).
   */
  private List<String> idsOnTopic(int expected) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<String> ids = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      Instant deadline = Instant.now().plusSeconds(10);
      while ((consumer.position(tp) < end || ids.size() < expected)
          && Instant.now().isBefore(deadline)) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          ids.add(NotificationCodec.decode(r.value()).messageId());
        }
        end = consumer.endOffsets(List.of(tp)).get(tp);
      }
    }
    return ids;
  }

  /** A data source whose connections fail the statement that marks rows sent: a crash there. */
  private static DataSource failingMarks(MariaDbDataSource real) {
    InvocationHandler ds =
        (proxy, method, args) -> {
          Object result = invoke(real, method, args);
          if (method.getName().equals("getConnection")) {
            Connection c = (Connection) result;
            return Proxy.newProxyInstance(
                OutboxRelayIT.class.getClassLoader(),
                new Class<?>[] {Connection.class},
                (p, m, a) -> {
                  if (m.getName().equals("prepareStatement")
                      && String.valueOf(a[0]).contains("SET sent_at")) {
                    throw new SQLException("the relay's process died here");
                  }
                  return invoke(c, m, a);
                });
          }
          return result;
        };
    return (DataSource)
        Proxy.newProxyInstance(
            OutboxRelayIT.class.getClassLoader(), new Class<?>[] {DataSource.class}, ds);
  }

  private static Object invoke(Object target, java.lang.reflect.Method m, Object[] args)
      throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
