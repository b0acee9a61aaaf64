package org.msgcenter.center.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.msgcenter.api.Notification;
import org.msgcenter.api.Recipient;
import org.msgcenter.center.peers.RobotServer;
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.EmbeddedKafka;
import org.msgcenter.testkit.TestDatabase;

/** The IM robot channel end to end: published notification, group robots, recorded outcomes. */
@ExtendWith(EmbeddedInfrastructure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImRobotIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private RobotServer robots;
  private CenterHarness harness;

  @BeforeAll
  void start(EmbeddedKafka kafka, TestDatabase db, @TempDir Path dir) {
    robots = new RobotServer();
    harness = new CenterHarness(kafka, db.jdbcUrl(), db.user(), db.password(), dir);
    harness.channel("im-robot", settings(robots));
    harness.set("route.ops.alert.channels", "im-robot");
    harness.set("route.ops.alert.target.im-robot", "ops-ding,ops-lark,ops-wecom");
    harness.set("route.ops.wrong.channels", "im-robot");
    harness.set("route.ops.wrong.target.im-robot", "ops-wrong");
    harness.set("route.ops.limited.channels", "im-robot");
    harness.set("route.ops.limited.target.im-robot", "ops-wecom");
    harness.set("route.ops.untargeted.channels", "in-app,im-robot");
    harness.start();
  }

  static Map<String, String> settings(RobotServer robots) {
    Map<String, String> s = new HashMap<>();
    s.put("robot.ops-ding.type", "dingtalk");
    s.put("robot.ops-ding.url", robots.dingTalkUrl());
    s.put("robot.ops-ding.secret", RobotServer.DINGTALK_SECRET);
    s.put("robot.ops-ding.format", "markdown");
    s.put("robot.ops-lark.type", "feishu");
    s.put("robot.ops-lark.url", robots.feishuUrl());
    s.put("robot.ops-lark.secret", RobotServer.FEISHU_SECRET);
    s.put("robot.ops-wecom.type", "wecom");
    s.put("robot.ops-wecom.url", robots.weComUrl());
    s.put("robot.ops-wrong.type", "feishu");
    s.put("robot.ops-wrong.url", robots.feishuUrl());
    s.put("robot.ops-wrong.secret", "not-the-feishu-secret");
    return s;
  }

  @AfterAll
  void stop() {
    harness.close();
    robots.close();
  }

  private static Notification alert(String bizType) {
    return Notification.builder()
        .bizType(bizType)
        .recipient(Recipient.ofUser("ops-team"))
        .title("Payments latency high")
        .content("p99 of **payment.succeeded** is 2.4 s over the last 5 minutes.")
        .build();
  }

  @Test
  void a_route_naming_three_robots_posts_to_each_and_records_the_names_not_the_urls() {
    Notification n = alert("ops.alert");
    harness.publish(n);

    await().atMost(WAIT).until(() -> "DELIVERED".equals(harness.messageStatus(n.messageId())));
    Map<String, String> statusByRobot = new HashMap<>();
    harness
        .deliveries(n.messageId())
        .forEach(d -> statusByRobot.put((String) d.get("address"), (String) d.get("status")));
    assertThat(statusByRobot)
        .containsOnly(
            Map.entry("ops-ding", "SENT"),
            Map.entry("ops-lark", "SENT"),
            Map.entry("ops-wecom", "SENT"));
    assertThat(robots.posted("dingtalk").get(0).body().path("markdown").path("text").asText())
        .isEqualTo(
            "#### Payments latency high\n\np99 of **payment.succeeded** is 2.4 s over the last 5 minutes.");
    assertThat(robots.posted("feishu")).hasSize(1);
    assertThat(robots.posted("wecom")).hasSize(1);
  }

  @Test
  void a_robot_refusing_the_signature_is_dead_and_nothing_stored_shows_its_secrets() {
    Notification n = alert("ops.wrong");
    harness.publish(n);

    await().atMost(WAIT).until(() -> "FAILED".equals(harness.messageStatus(n.messageId())));
    Map<String, Object> d = harness.deliveries(n.messageId()).get(0);
    assertThat(d).containsEntry("status", "DEAD").containsEntry("address", "ops-wrong");
    assertThat((String) d.get("last_error")).contains("code 19021").contains("/***");
    for (String secret :
        new String[] {
          RobotServer.FEISHU_HOOK,
          RobotServer.DINGTALK_TOKEN,
          RobotServer.WECOM_KEY,
          "not-the-feishu-secret"
        }) {
      assertThat(
              harness.count(
                  "SELECT COUNT(*) FROM delivery d LEFT JOIN delivery_attempt a ON a.delivery_id = d.delivery_id"
                      + " WHERE d.address LIKE ? OR d.last_error LIKE ? OR a.error LIKE ?",
                  "%" + secret + "%",
                  "%" + secret + "%",
                  "%" + secret + "%"))
          .as(secret)
          .isZero();
    }
  }

  @Test
  void a_rate_limited_robot_leaves_the_delivery_retrying_a_minute_later() {
    robots.limit("wecom");
    try {
      Notification n = alert("ops.limited");
      harness.publish(n);

      await().atMost(WAIT).until(() -> harness.settled(n.messageId()));
      Map<String, Object> d = harness.deliveries(n.messageId()).get(0);
      assertThat(d).containsEntry("status", "RETRYING");
      assertThat((String) d.get("last_error")).contains("code 45009");
      java.time.LocalDateTime due =
          ((java.sql.Timestamp) d.get("next_attempt_at")).toLocalDateTime();
      assertThat(due)
          .isAfter(java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(40));
    } finally {
      robots.unlimit("wecom");
    }
  }

  @Test
  void a_route_without_a_robot_target_skips_the_channel() {
    Notification n = alert("ops.untargeted");
    harness.publish(n);

    await().atMost(WAIT).until(() -> "DELIVERED".equals(harness.messageStatus(n.messageId())));
    assertThat(harness.byChannel(n.messageId()).get("im-robot"))
        .containsEntry("status", "SKIPPED")
        .containsEntry("last_error", "no address for channel im-robot");
  }
}
