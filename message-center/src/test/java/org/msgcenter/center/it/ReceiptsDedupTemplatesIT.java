package org.msgcenter.center.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.msgcenter.api.Notification;
import org.msgcenter.api.Recipient;
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.EmbeddedKafka;
import org.msgcenter.testkit.TestDatabase;

/** Client receipts, dedup keys, templates, records the database refuses, health and metrics. */
@ExtendWith(EmbeddedInfrastructure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReceiptsDedupTemplatesIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private CenterHarness harness;
  private KafkaProducer<String, byte[]> raw;

  @BeforeAll
  void start(EmbeddedKafka kafka, TestDatabase db, @TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("templates"));
    Files.writeString(
        dir.resolve("templates").resolve("payment.received.properties"),
        "title=Transfer received\ncontent=You received {{amount}} from {{payer}}.\n");
    harness = new CenterHarness(kafka, db.jdbcUrl(), db.user(), db.password(), dir);
    harness.set("route.order.shipped.channels", "in-app");
    harness.set("route.order.shipped.dedupWindow", "2s");
    harness.set("route.payment.received.channels", "in-app");
    harness.set("route.payment.received.template", "payment.received");
    harness.start();
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    raw = new KafkaProducer<>(p);
  }

  @AfterAll
  void stop() {
    raw.close();
    harness.close();
  }

  private void receipt(String type, String userId, String messageId, String deliveryId)
      throws Exception {
    String json =
        "{\"type\":\""
            + type
            + "\",\"userId\":\""
            + userId
            + "\",\"messageId\":\""
            + messageId
            + "\",\"deliveryId\":\""
            + deliveryId
            + "\",\"at\":\"2026-11-22T08:00:00.123Z\"}";
    raw.send(new ProducerRecord<>(harness.topic("receipts"), userId, json.getBytes(UTF_8))).get();
  }

  private Notification sentInApp(String user) {
    Notification n =
        Notification.builder()
            .bizType("chat.message")
            .recipient(Recipient.ofUser(user))
            .content("hi")
            .build();
    harness.publish(n);
    await().atMost(WAIT).until(() -> "DELIVERED".equals(harness.messageStatus(n.messageId())));
    return n;
  }

  @Test
  void an_ack_then_a_read_move_the_delivery_forward_and_never_back() throws Exception {
    Notification n = sentInApp("u-reader");
    String deliveryId =
        InAppAndWebhookIT.uuid((String) harness.deliveries(n.messageId()).get(0).get("id"));

    raw.send(
            new ProducerRecord<>(
                harness.topic("receipts"), "u-reader", "not a receipt".getBytes(UTF_8)))
        .get();
    receipt("ack", "u-reader", n.messageId(), deliveryId);
    await()
        .atMost(WAIT)
        .until(() -> "ACKED".equals(harness.deliveries(n.messageId()).get(0).get("status")));
    assertThat(
            harness
                .rows(
                    "SELECT acked_at FROM delivery WHERE delivery_id = UNHEX(REPLACE(?, '-', ''))",
                    deliveryId)
                .get(0)
                .get("acked_at"))
        .isNotNull();

    receipt("read", "u-reader", n.messageId(), deliveryId);
    await()
        .atMost(WAIT)
        .until(() -> "READ".equals(harness.deliveries(n.messageId()).get(0).get("status")));

    // A late ack is recorded nowhere: READ stays READ. The marker shows the ack was consumed.
    receipt("ack", "u-reader", n.messageId(), deliveryId);
    Notification marker = sentInApp("u-reader");
    String markerDelivery =
        InAppAndWebhookIT.uuid((String) harness.deliveries(marker.messageId()).get(0).get("id"));
    receipt("ack", "u-reader", marker.messageId(), markerDelivery);
    await()
        .atMost(WAIT)
        .until(() -> "ACKED".equals(harness.deliveries(marker.messageId()).get(0).get("status")));
    assertThat(harness.deliveries(n.messageId()).get(0)).containsEntry("status", "READ");
    assertThat(harness.messageStatus(n.messageId())).isEqualTo("DELIVERED");
  }

  @Test
  void a_receipt_naming_another_user_changes_nothing() throws Exception {
    Notification n = sentInApp("u-owner");
    String deliveryId =
        InAppAndWebhookIT.uuid((String) harness.deliveries(n.messageId()).get(0).get("id"));
    receipt("read", "u-intruder", n.messageId(), deliveryId);
    Notification marker = sentInApp("u-owner");
    String markerDelivery =
        InAppAndWebhookIT.uuid((String) harness.deliveries(marker.messageId()).get(0).get("id"));
    receipt("read", "u-owner", marker.messageId(), markerDelivery);
    await()
        .atMost(WAIT)
        .until(() -> "READ".equals(harness.deliveries(marker.messageId()).get(0).get("status")));
    assertThat(harness.deliveries(n.messageId()).get(0)).containsEntry("status", "SENT");
  }

  @Test
  void a_repeat_with_the_same_dedup_key_inside_the_window_is_suppressed_and_refers_to_the_first() {
    Notification first =
        Notification.builder()
            .bizType("order.shipped")
            .recipient(Recipient.ofUser("u-dedup"))
            .content("shipped")
            .dedupKey("order-1")
            .build();
    Notification repeat = first.toBuilder().messageId(null).build();
    harness.publish(first);
    harness.publish(repeat);
    await()
        .atMost(WAIT)
        .until(() -> "SUPPRESSED".equals(harness.messageStatus(repeat.messageId())));
    assertThat(harness.messageStatus(first.messageId())).isEqualTo("DELIVERED");
    assertThat(harness.deliveries(repeat.messageId())).isEmpty();
    assertThat(
            harness
                .rows(
                    "SELECT LOWER(HEX(suppressed_by)) AS s FROM message WHERE message_id = UNHEX(REPLACE(?, '-', ''))",
                    repeat.messageId())
                .get(0)
                .get("s"))
        .isEqualTo(first.messageId().replace("-", ""));

    // After the route's 2 s window the same key is accepted again.
    await().pollDelay(Duration.ofMillis(2_100)).atMost(WAIT).until(() -> true);
    Notification later = first.toBuilder().messageId(null).build();
    harness.publish(later);
    await().atMost(WAIT).until(() -> "DELIVERED".equals(harness.messageStatus(later.messageId())));
  }

  @Test
  void a_template_renders_per_notification_and_a_missing_parameter_fails_that_delivery_for_good() {
    Notification ok =
        Notification.builder()
            .bizType("payment.received")
            .recipient(Recipient.ofUser("u-t"))
            .template("payment.received")
            .params(Map.of("amount", "120.00", "payer", "Alice"))
            .build();
    Notification missing =
        Notification.builder()
            .bizType("payment.received")
            .recipient(Recipient.ofUser("u-t"))
            .template("payment.received")
            .params(Map.of("amount", "120.00"))
            .build();
    harness.publish(ok);
    harness.publish(missing);
    await().atMost(WAIT).until(() -> "DELIVERED".equals(harness.messageStatus(ok.messageId())));
    assertThat(
            harness
                .rows(
                    "SELECT title, content FROM message WHERE message_id = UNHEX(REPLACE(?, '-', ''))",
                    ok.messageId())
                .get(0))
        .containsEntry("title", "Transfer received")
        .containsEntry("content", "You received 120.00 from Alice.");

    await().atMost(WAIT).until(() -> "FAILED".equals(harness.messageStatus(missing.messageId())));
    Map<String, Object> d = harness.deliveries(missing.messageId()).get(0);
    assertThat(d).containsEntry("status", "DEAD");
    assertThat((String) d.get("last_error")).contains("payer");
    assertThat(
            harness.rows(
                "SELECT outcome FROM delivery_attempt WHERE delivery_id = UNHEX(?)", d.get("id")))
        .extracting(r -> r.get("outcome"))
        .containsExactly("PERMANENT_FAILURE");
  }

  @Test
  void a_record_the_database_refuses_is_rejected_alone_and_the_rest_of_its_batch_is_kept()
      throws Exception {
    try (Connection c = harness.connect();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TRIGGER refuse_test BEFORE INSERT ON message FOR EACH ROW "
              + "IF NEW.biz_type = 'refuse.me' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by a test trigger'; END IF");
    }
    try {
      List<Notification> batch =
          List.of(
              Notification.builder()
                  .bizType("keep.one")
                  .recipient(Recipient.ofUser("u-r"))
                  .content("1")
                  .build(),
              Notification.builder()
                  .bizType("refuse.me")
                  .recipient(Recipient.ofUser("u-r"))
                  .content("2")
                  .build(),
              Notification.builder()
                  .bizType("keep.two")
                  .recipient(Recipient.ofUser("u-r"))
                  .content("3")
                  .build());
      batch.forEach(n -> harness.publisher.publish(n));
      await()
          .atMost(WAIT)
          .until(
              () ->
                  "DELIVERED".equals(harness.messageStatus(batch.get(0).messageId()))
                      && "DELIVERED".equals(harness.messageStatus(batch.get(2).messageId())));
      await()
          .atMost(WAIT)
          .until(
              () ->
                  harness.count(
                          "SELECT COUNT(*) FROM rejected_record WHERE message_id = ?",
                          batch.get(1).messageId())
                      == 1);
      Map<String, Object> rejected =
          harness
              .rows(
                  "SELECT reason, error FROM rejected_record WHERE message_id = ?",
                  batch.get(1).messageId())
              .get(0);
      assertThat(rejected).containsEntry("reason", "REFUSED_BY_DATABASE");
      assertThat((String) rejected.get("error")).contains("refused by a test trigger");
      assertThat(harness.messageStatus(batch.get(1).messageId())).isNull();
    } finally {
      try (Connection c = harness.connect();
          Statement s = c.createStatement()) {
        s.execute("DROP TRIGGER refuse_test");
      }
    }
  }

  @Test
  void health_and_prometheus_metrics_are_served() throws IOException, InterruptedException {
    sentInApp("u-metrics");
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + harness.center.httpPort();
    HttpResponse<String> health =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/health")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"status\":\"UP\"").contains("\"database\":\"UP\"");
    String metrics =
        http.send(
                HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(metrics)
        .contains("msgcenter_ingest_consumed_total")
        .contains("msgcenter_delivery_outcome_total{channel=\"in-app\"")
        .contains("msgcenter_recorder_batch_size")
        .contains("msgcenter_delivery_send_latency_seconds")
        .contains("kafka_consumer_fetch_manager_records_lag_max");
  }
}
