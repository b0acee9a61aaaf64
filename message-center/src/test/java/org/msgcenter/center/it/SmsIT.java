package org.msgcenter.center.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
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
import org.msgcenter.center.peers.SmsGateway;
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.EmbeddedKafka;
import org.msgcenter.testkit.TestDatabase;

/** The SMS channel end to end: published notification, SMS gateway, recorded outcome. */
@ExtendWith(EmbeddedInfrastructure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmsIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String THROTTLED = "+8613800000429";
  private static final String FAILING = "+8613800000500";
  private static final String STALLED = "+8613800000408";

  private SmsGateway gateway;
  private CenterHarness harness;

  @BeforeAll
  void start(EmbeddedKafka kafka, TestDatabase db, @TempDir Path dir) {
    gateway = new SmsGateway().throttle(THROTTLED).fail(FAILING).stall(STALLED);
    harness = new CenterHarness(kafka, db.jdbcUrl(), db.user(), db.password(), dir);
    Map<String, String> sms = new HashMap<>(gateway.channelSettings());
    sms.put("timeout", "1s");
    sms.put("retry.maxAttempts", "10");
    sms.put("retry.initialBackoff", "3s");
    sms.put("retry.maxBackoff", "3s");
    harness.channel("sms", sms);
    harness.set("poller.interval", "200ms");
    harness.set("route.login.code.channels", "sms");
    harness.start();
  }

  @AfterAll
  void stop() {
    harness.close();
    gateway.close();
  }

  private static Notification code(String phone) {
    return Notification.builder()
        .bizType("login.code")
        .recipient(Recipient.builder().userId("u-9").phone(phone).build())
        .content("[Bank] Your code is 204816; it expires in 5 minutes.")
        .build();
  }

  @Test
  void an_accepted_text_is_recorded_sent_with_the_gateway_receipt() {
    Notification n = code("+8613800138000");
    harness.publish(n);

    await().atMost(WAIT).until(() -> "DELIVERED".equals(harness.messageStatus(n.messageId())));
    Map<String, Object> d = harness.deliveries(n.messageId()).get(0);
    assertThat(d).containsEntry("channel", "sms").containsEntry("status", "SENT");
    SmsGateway.Text text = gateway.sentTo("+8613800138000").get(0);
    assertThat(text.outId()).isEqualTo(CenterHarness.uuid((String) d.get("id")));
    assertThat(text.content()).isEqualTo("[Bank] Your code is 204816; it expires in 5 minutes.");
    assertThat(harness.attempts((String) d.get("id")).get(0))
        .containsEntry("provider_receipt", text.bizId());
  }

  @Test
  void an_invalid_number_is_dead_after_one_attempt() {
    // E.164, so the center accepts it, but not a mobile number: the gateway refuses it.
    Notification n = code("+8610123456");
    harness.publish(n);

    await().atMost(WAIT).until(() -> "FAILED".equals(harness.messageStatus(n.messageId())));
    Map<String, Object> d = harness.deliveries(n.messageId()).get(0);
    assertThat(d).containsEntry("status", "DEAD").containsEntry("attempts", 1);
    assertThat((String) d.get("last_error")).contains("INVALID_NUMBER");
  }

  @Test
  void a_gateway_error_leaves_the_delivery_retrying_with_a_due_time() {
    Notification n = code(FAILING);
    harness.publish(n);

    await().atMost(WAIT).until(() -> harness.settled(n.messageId()));
    Map<String, Object> d = harness.deliveries(n.messageId()).get(0);
    assertThat(d).containsEntry("status", "RETRYING");
    assertThat((String) d.get("last_error")).contains("HTTP 500");
    assertThat(d.get("next_attempt_at")).isNotNull();
  }

  @Test
  void no_answer_within_the_timeout_leaves_the_delivery_retrying() {
    Notification n = code(STALLED);
    harness.publish(n);

    await().atMost(WAIT).until(() -> harness.settled(n.messageId()));
    Map<String, Object> d = harness.deliveries(n.messageId()).get(0);
    assertThat(d).containsEntry("status", "RETRYING");
    // The channel's deadline and the dispatcher's are the same timeout: either may say so first.
    assertThat((String) d.get("last_error")).startsWith("no answer");
  }

  @Test
  void a_throttled_text_is_retried_and_sent_once_the_gateway_accepts_it() {
    Notification n = code(THROTTLED);
    harness.publish(n);

    await()
        .atMost(WAIT)
        .until(
            () ->
                harness.deliveries(n.messageId()).stream()
                    .anyMatch(d -> String.valueOf(d.get("last_error")).contains("THROTTLED")));
    gateway.allow(THROTTLED);

    await().atMost(WAIT).until(() -> "DELIVERED".equals(harness.messageStatus(n.messageId())));
    Map<String, Object> d = harness.deliveries(n.messageId()).get(0);
    assertThat((Integer) d.get("attempts")).isGreaterThanOrEqualTo(2);
    List<Map<String, Object>> attempts = harness.attempts((String) d.get("id"));
    assertThat(attempts.get(0)).containsEntry("outcome", "RETRYABLE_FAILURE");
    assertThat(attempts.get(attempts.size() - 1)).containsEntry("outcome", "SENT");
    assertThat(gateway.sentTo(THROTTLED)).hasSize(1);
  }
}
