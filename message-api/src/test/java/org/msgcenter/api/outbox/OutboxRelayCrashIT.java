package org.msgcenter.api.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.mariadb.jdbc.MariaDbDataSource;
import org.msgcenter.api.Notification;
import org.msgcenter.api.NotificationCodec;
import org.msgcenter.api.Recipient;
import org.msgcenter.api.publish.NotificationPublisher;
import org.msgcenter.api.publish.PublisherConfig;
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.EmbeddedKafka;
import org.msgcenter.testkit.TestDatabase;

/**
 * A relay in its own JVM, killed with SIGKILL in the middle of its work: every committed
 * notification still reaches the topic, through the next relay.
 */
@ExtendWith(EmbeddedInfrastructure.class)
class OutboxRelayCrashIT {
  private static final int ROWS = 300;

  @Test
  void a_relay_process_killed_mid_work_loses_nothing(
      EmbeddedKafka kafka, TestDatabase db, @TempDir Path dir) throws Exception {
    String table = "outbox_crash";
    String topic = "it.outbox.crash." + ProcessHandle.current().pid();
    kafka.createTopics(1, topic, topic + ".high");
    MariaDbDataSource ds = new MariaDbDataSource(db.jdbcUrl());
    ds.setUser(db.user());
    ds.setPassword(db.password());
    Set<String> committed = new HashSet<>();
    OutboxPublisher outbox = OutboxPublisher.create(table, java.time.Clock.systemUTC());
    try (Connection c = ds.getConnection()) {
      try (Statement st = c.createStatement()) {
        st.execute(OutboxTable.ddl(table));
      }
      c.setAutoCommit(false);
      for (int i = 0; i < ROWS; i++) {
        Notification n =
            Notification.builder()
                .bizType("payment.received")
                .recipient(Recipient.ofUser("u-" + (i % 7)))
                .content("n" + i)
                .build();
        outbox.publish(c, n);
        committed.add(n.messageId());
        if (i % 50 == 49) {
          c.commit();
        }
      }
      c.commit();
    }

    Process relay =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                RelayProcess.class.getName(),
                db.jdbcUrl(),
                db.user(),
                db.password(),
                table,
                kafka.bootstrapServers(),
                topic)
            .redirectErrorStream(true)
            .redirectOutput(new File(dir.toFile(), "relay.log"))
            .start();
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> idsOnTopic(kafka, topic).size() >= 20);
    } finally {
      relay.destroyForcibly().waitFor();
    }
    assertThat(unsent(ds, table)).as("the kill came before the work was done").isPositive();

    NotificationPublisher publisher =
        NotificationPublisher.kafka(
            PublisherConfig.builder()
                .bootstrapServers(kafka.bootstrapServers())
                .topic(topic)
                .highTopic(topic + ".high")
                .linger(Duration.ZERO)
                .build());
    try (publisher;
        OutboxRelay next =
            OutboxRelay.builder(ds, publisher)
                .table(table)
                .lease(Duration.ofSeconds(2))
                .interval(Duration.ofMillis(100))
                .build()) {
      next.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> unsent(ds, table) == 0);
    }

    List<String> onTopic = idsOnTopic(kafka, topic);
    assertThat(new HashSet<>(onTopic)).isEqualTo(committed);
    assertThat(onTopic.size()).isGreaterThanOrEqualTo(ROWS);
  }

  private static long unsent(MariaDbDataSource ds, String table) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE sent_at IS NULL");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static List<String> idsOnTopic(EmbeddedKafka kafka, String topic) {
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
      while (consumer.position(tp) < end) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          ids.add(NotificationCodec.decode(r.value()).messageId());
        }
      }
    }
    return ids;
  }
}
