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
import org.msgcenter.center.peers.PushGateway;
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.EmbeddedKafka;
import org.msgcenter.testkit.TestDatabase;

/** The app push channel end to end: published notification, push gateway, recorded outcomes. */
@ExtendWith(EmbeddedInfrastructure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AppPushIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private PushGateway gateway;
  private CenterHarness harness;

  @BeforeAll
  void start(EmbeddedKafka kafka, TestDatabase db, @TempDir Path dir) {
    gateway = new PushGateway().unregister("tablet-uninstalled");
    harness = new CenterHarness(kafka, db.jdbcUrl(), db.user(), db.password(), dir);
    Map<String, String> push = new HashMap<>(gateway.channelSettings());
    push.put("retry.initialBackoff", "1s");
    push.put("retry.maxBackoff", "1s");
    push.put("retry.maxAttempts", "20");
    harness.channel("app-push", push);
    harness.set("poller.interval", "200ms");
    harness.set("route.order.shipped.channels", "app-push");
    harness.start();
  }

  @AfterAll
  void stop() {
    harness.close();
    gateway.close();
  }

  private static Notification shipped(String... tokens) {
    return Notification.builder()
        .bizType("order.shipped")
        .recipient(Recipient.builder().userId("u-5").deviceTokens(List.of(tokens)).build())
        .title("Order shipped")
        .content("Your order 1042 is on its way.")
        .build();
  }

  @Test
  void each_device_gets_its_own_delivery_and_an_uninstalled_app_is_dead() {
    Notification n = shipped("phone-ok", "watch-ok", "tablet-uninstalled");
    harness.publish(n);

    await()
        .atMost(WAIT)
        .until(() -> "PARTIALLY_DELIVERED".equals(harness.messageStatus(n.messageId())));
    Map<String, String> statusByToken = new HashMap<>();
    harness
        .deliveries(n.messageId())
        .forEach(d -> statusByToken.put((String) d.get("address"), (String) d.get("status")));
    assertThat(statusByToken)
        .containsEntry("phone-ok", "SENT")
        .containsEntry("watch-ok", "SENT")
        .containsEntry("tablet-uninstalled", "DEAD");
    assertThat(gateway.pushedTo("phone-ok")).hasSize(1);
    assertThat(gateway.pushedTo("phone-ok").get(0).data().path("messageId").asText())
        .isEqualTo(n.messageId());
  }

  @Test
  void a_malformed_token_is_dead_after_one_attempt() {
    Notification n = shipped("bad-token");
    harness.publish(n);

    await().atMost(WAIT).until(() -> "FAILED".equals(harness.messageStatus(n.messageId())));
    Map<String, Object> d = harness.deliveries(n.messageId()).get(0);
    assertThat(d).containsEntry("status", "DEAD").containsEntry("attempts", 1);
    assertThat((String) d.get("last_error")).contains("INVALID_ARGUMENT");
  }

  @Test
  void an_exhausted_quota_is_retried_until_the_gateway_takes_the_push() {
    gateway.exhaustQuota();
    Notification n = shipped("phone-quota");
    harness.publish(n);

    await()
        .atMost(WAIT)
        .until(
            () ->
                harness.deliveries(n.messageId()).stream()
                    .anyMatch(d -> String.valueOf(d.get("last_error")).contains("QUOTA_EXCEEDED")));
    gateway.restoreQuota();

    await().atMost(WAIT).until(() -> "DELIVERED".equals(harness.messageStatus(n.messageId())));
    Map<String, Object> d = harness.deliveries(n.messageId()).get(0);
    assertThat((Integer) d.get("attempts")).isGreaterThanOrEqualTo(2);
    assertThat(harness.attempts((String) d.get("id")).get(0))
        .containsEntry("outcome", "RETRYABLE_FAILURE");
    assertThat(gateway.pushedTo("phone-quota")).hasSize(1);
  }
}
