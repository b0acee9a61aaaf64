package org.msgcenter.center.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
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
import org.msgcenter.center.peers.MailServer;
import org.msgcenter.center.peers.PushGateway;
import org.msgcenter.center.peers.RobotServer;
import org.msgcenter.center.peers.SmsGateway;
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.EmbeddedKafka;
import org.msgcenter.testkit.TestDatabase;

/**
 * One notification on all six channels, each against its real protocol peer, with the SMS gateway
 * down and the push quota spent: the other four are sent, those two retried until their peers
 * recover.
 */
@ExtendWith(EmbeddedInfrastructure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AllChannelsIT {
  private static final Duration WAIT = Duration.ofSeconds(45);
  private static final List<String> SIX =
      List.of("app-push", "email", "im-robot", "in-app", "sms", "webhook");

  private MailServer smtp;
  private SmsGateway sms;
  private PushGateway push;
  private RobotServer robots;
  private WebhookSink webhooks;
  private CenterHarness harness;

  @BeforeAll
  void start(EmbeddedKafka kafka, TestDatabase db, @TempDir Path dir) throws IOException {
    smtp = MailServer.start();
    sms = new SmsGateway();
    push = new PushGateway();
    robots = new RobotServer();
    webhooks = new WebhookSink();
    harness = new CenterHarness(kafka, db.jdbcUrl(), db.user(), db.password(), dir);
    harness.channel("email", smtp.channelSettings());
    harness.channel("sms", quickRetries(sms.channelSettings()));
    harness.channel("app-push", quickRetries(push.channelSettings()));
    harness.channel(
        "im-robot",
        Map.of(
            "robot.ops.type",
            "dingtalk",
            "robot.ops.url",
            robots.dingTalkUrl(),
            "robot.ops.secret",
            RobotServer.DINGTALK_SECRET));
    harness.set("poller.interval", "200ms");
    harness.set("route.payment.large.channels", String.join(",", SIX));
    harness.set("route.payment.large.target.im-robot", "ops");
    harness.set("route.payment.large.target.webhook", webhooks.url("/payments"));
    harness.start();
  }

  private static Map<String, String> quickRetries(Map<String, String> settings) {
    Map<String, String> s = new HashMap<>(settings);
    s.put("retry.maxAttempts", "20");
    s.put("retry.initialBackoff", "1s");
    s.put("retry.maxBackoff", "1s");
    return s;
  }

  @AfterAll
  void stop() {
    harness.close();
    webhooks.close();
    robots.close();
    push.close();
    sms.close();
    smtp.close();
  }

  @Test
  void with_two_channels_failing_the_other_four_are_sent_and_the_two_are_retried_until_sent() {
    sms.down();
    push.exhaustQuota();
    Notification n =
        Notification.builder()
            .bizType("payment.large")
            .recipient(
                Recipient.builder()
                    .userId("u-42")
                    .email("alice@example.com")
                    .phone("+8613800138000")
                    .deviceTokens(List.of("alice-phone"))
                    .build())
            .title("Large payment")
            .content("A payment of 25,000.00 CNY left your account.")
            .build();
    harness.publish(n);

    await()
        .atMost(WAIT)
        .until(
            () -> {
              Map<String, Map<String, Object>> d = harness.byChannel(n.messageId());
              return d.size() == 6
                  && SIX.stream()
                      .filter(c -> !c.equals("sms") && !c.equals("app-push"))
                      .allMatch(c -> "SENT".equals(d.get(c).get("status")))
                  && String.valueOf(d.get("sms").get("last_error")).contains("HTTP 503")
                  && String.valueOf(d.get("app-push").get("last_error")).contains("QUOTA_EXCEEDED");
            });
    assertThat(harness.messageStatus(n.messageId())).isEqualTo("DISPATCHING");
    assertThat(smtp.receivedBy("alice@example.com")).hasSize(1);
    assertThat(robots.posted("dingtalk")).hasSize(1);
    assertThat(webhooks.received("/payments")).hasSize(1);

    sms.up();
    push.restoreQuota();

    await().atMost(WAIT).until(() -> "DELIVERED".equals(harness.messageStatus(n.messageId())));
    Map<String, Map<String, Object>> d = harness.byChannel(n.messageId());
    assertThat(d.keySet()).containsExactlyInAnyOrderElementsOf(SIX);
    d.forEach((channel, row) -> assertThat(row.get("status")).as(channel).isEqualTo("SENT"));
    for (String retried : List.of("sms", "app-push")) {
      assertThat((Integer) d.get(retried).get("attempts")).as(retried).isGreaterThanOrEqualTo(2);
      List<Map<String, Object>> attempts = harness.attempts((String) d.get(retried).get("id"));
      assertThat(attempts.get(0)).containsEntry("outcome", "RETRYABLE_FAILURE");
      assertThat(attempts.get(attempts.size() - 1)).containsEntry("outcome", "SENT");
    }
    for (String once : List.of("email", "im-robot", "in-app", "webhook")) {
      assertThat(d.get(once)).as(once).containsEntry("attempts", 1);
    }
    assertThat(sms.sentTo("+8613800138000")).hasSize(1);
    assertThat(push.pushedTo("alice-phone")).hasSize(1);
  }
}
