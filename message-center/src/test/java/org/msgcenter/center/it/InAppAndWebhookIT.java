package org.msgcenter.center.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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

@ExtendWith(EmbeddedInfrastructure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InAppAndWebhookIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private CenterHarness harness;
  private WebhookSink sink;

  @BeforeAll
  void start(EmbeddedKafka kafka, TestDatabase db, @TempDir Path dir) throws IOException {
    sink = new WebhookSink().answer("/down", 503).answer("/gone", 410).answer("/busy", 429);
    harness = new CenterHarness(kafka, db.jdbcUrl(), db.user(), db.password(), dir);
    harness.set("route.callback.ok.channels", "webhook");
    harness.set("route.callback.ok.target.webhook", sink.url("/ok"));
    harness.set("route.callback.down.channels", "in-app,webhook");
    harness.set("route.callback.down.target.webhook", sink.url("/down"));
    harness.set("route.callback.gone.channels", "webhook");
    harness.set("route.callback.gone.target.webhook", sink.url("/gone"));
    harness.set("route.callback.closed.channels", "in-app,webhook");
    harness.set("route.callback.closed.target.webhook", "http://127.0.0.1:1/nobody");
    // Quiet hours from an hour ago to an hour from now, in UTC: now is inside them.
    java.time.LocalTime nowUtc =
        java.time.LocalTime.now(java.time.ZoneOffset.UTC).withSecond(0).withNano(0);
    quietEnd = nowUtc.plusHours(1);
    harness.set("route.quiet.time.channels", "in-app");
    harness.set("route.quiet.time.quietHours", nowUtc.minusHours(1) + "-" + quietEnd);
    harness.set("route.quiet.time.quietZone", "UTC");
    harness.start();
  }

  private java.time.LocalTime quietEnd;

  @Test
  void inside_quiet_hours_normal_waits_for_their_end_and_high_goes_through() {
    Notification normal = notification("quiet.time").build();
    Notification high =
        notification("quiet.time").priority(org.msgcenter.api.Priority.HIGH).build();
    harness.publish(normal);
    harness.publish(high);

    await().atMost(WAIT).until(() -> "DELIVERED".equals(harness.messageStatus(high.messageId())));
    await().atMost(WAIT).until(() -> "SCHEDULED".equals(harness.messageStatus(normal.messageId())));
    Map<String, Object> waiting = harness.deliveries(normal.messageId()).get(0);
    assertThat(waiting).containsEntry("status", "SCHEDULED");
    assertThat(
            ((java.sql.Timestamp) waiting.get("next_attempt_at")).toLocalDateTime().toLocalTime())
        .isEqualTo(quietEnd);
  }

  @AfterAll
  void stop() {
    harness.close();
    sink.close();
  }

  private static Notification.Builder notification(String bizType) {
    return Notification.builder()
        .bizType(bizType)
        .recipient(Recipient.ofUser("u-1001"))
        .title("Hello")
        .content("Transfer received: 120.00")
        .data(Map.of("transferId", "tx-1"));
  }

  @Test
  void an_in_app_notification_is_recorded_sent_with_its_attempt() {
    Notification n = notification("greeting.sent").build();
    harness.publish(n);

    await().atMost(WAIT).until(() -> "DELIVERED".equals(harness.messageStatus(n.messageId())));
    List<Map<String, Object>> deliveries = harness.deliveries(n.messageId());
    assertThat(deliveries).hasSize(1);
    assertThat(deliveries.get(0))
        .containsEntry("channel", "in-app")
        .containsEntry("status", "SENT")
        .containsEntry("address", "u-1001");
    List<Map<String, Object>> attempts =
        harness.rows(
            "SELECT attempt, outcome, provider_receipt, finished_at FROM delivery_attempt WHERE delivery_id = UNHEX(?)",
            deliveries.get(0).get("id"));
    assertThat(attempts).hasSize(1);
    assertThat(attempts.get(0)).containsEntry("attempt", 1).containsEntry("outcome", "SENT");
    assertThat((String) attempts.get(0).get("provider_receipt"))
        .startsWith(harness.topic("realtime"));
  }

  @Test
  void a_webhook_is_posted_to_the_route_target_and_recorded_sent() {
    Notification n = notification("callback.ok").build();
    harness.publish(n);

    await().atMost(WAIT).until(() -> "DELIVERED".equals(harness.messageStatus(n.messageId())));
    List<WebhookSink.Request> received =
        sink.received("/ok").stream().filter(r -> r.body().contains(n.messageId())).toList();
    assertThat(received).hasSize(1);
    Map<String, Object> delivery = harness.deliveries(n.messageId()).get(0);
    assertThat(received.get(0).header("Idempotency-Key"))
        .isEqualToIgnoringCase(uuid((String) delivery.get("id")));
    assertThat(received.get(0).header("X-Msgcenter-Signature")).startsWith("sha256=");
  }

  @Test
  void a_webhook_answering_503_is_retrying_with_a_due_time_and_in_app_is_sent() {
    Notification n = notification("callback.down").build();
    harness.publish(n);

    await()
        .atMost(WAIT)
        .until(
            () ->
                harness.deliveries(n.messageId()).stream()
                    .noneMatch(d -> "SENDING".equals(d.get("status"))));
    Map<String, Map<String, Object>> byChannel = byChannel(harness.deliveries(n.messageId()));
    assertThat(byChannel.get("in-app")).containsEntry("status", "SENT");
    assertThat(byChannel.get("webhook")).containsEntry("status", "RETRYING");
    assertThat((String) byChannel.get("webhook").get("last_error")).contains("503");
    assertThat(byChannel.get("webhook").get("next_attempt_at")).isNotNull();
    assertThat(harness.messageStatus(n.messageId())).isEqualTo("DISPATCHING");
  }

  @Test
  void a_webhook_answering_410_is_dead_at_once() {
    Notification n = notification("callback.gone").build();
    harness.publish(n);

    await().atMost(WAIT).until(() -> "FAILED".equals(harness.messageStatus(n.messageId())));
    Map<String, Object> webhook = harness.deliveries(n.messageId()).get(0);
    assertThat(webhook).containsEntry("status", "DEAD").containsEntry("attempts", 1);
    assertThat((String) webhook.get("last_error")).contains("410");
  }

  @Test
  void with_the_webhook_target_unreachable_in_app_is_sent_at_once() {
    Notification n = notification("callback.closed").build();
    harness.publish(n);

    await()
        .atMost(WAIT)
        .until(
            () ->
                byChannel(harness.deliveries(n.messageId()))
                    .get("webhook")
                    .get("status")
                    .equals("RETRYING"));
    assertThat(byChannel(harness.deliveries(n.messageId())).get("in-app"))
        .containsEntry("status", "SENT");
  }

  @Test
  void a_recipient_without_an_address_for_a_channel_is_skipped_with_the_reason() {
    Notification n =
        notification("callback.ok")
            .recipient(Recipient.builder().email("bob@example.com").build())
            .build();
    harness.publish(n);

    // Route callback.ok has only the webhook channel, and it has a route target: not skipped.
    // A notification naming in-app for a user-less recipient is.
    Notification skipped =
        notification("greeting.sent")
            .recipient(Recipient.builder().email("bob@example.com").build())
            .build();
    harness.publish(skipped);
    await()
        .atMost(WAIT)
        .until(
            () ->
                harness.messageStatus(skipped.messageId()) != null
                    && !"DISPATCHING".equals(harness.messageStatus(skipped.messageId())));
    Map<String, Object> d = harness.deliveries(skipped.messageId()).get(0);
    assertThat(d)
        .containsEntry("status", "SKIPPED")
        .containsEntry("last_error", "no address for channel in-app");
    assertThat(harness.messageStatus(skipped.messageId())).isEqualTo("FAILED");
  }

  static Map<String, Map<String, Object>> byChannel(List<Map<String, Object>> deliveries) {
    return deliveries.stream()
        .collect(java.util.stream.Collectors.toMap(d -> (String) d.get("channel"), d -> d));
  }

  static String uuid(String hex) {
    String h = hex.toLowerCase();
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
}
