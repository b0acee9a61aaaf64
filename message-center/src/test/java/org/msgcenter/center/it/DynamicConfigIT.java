package org.msgcenter.center.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.msgcenter.api.Notification;
import org.msgcenter.api.Recipient;
import org.msgcenter.center.dynamic.DynamicConfig;
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.EmbeddedKafka;
import org.msgcenter.testkit.EmbeddedZooKeeper;
import org.msgcenter.testkit.TestDatabase;

/** Routing changed in ZooKeeper reaches a running center; an invalid change is refused. */
@ExtendWith(EmbeddedInfrastructure.class)
class DynamicConfigIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void a_route_changed_in_zookeeper_applies_within_seconds_and_an_invalid_one_is_refused(
      EmbeddedKafka kafka, TestDatabase db, EmbeddedZooKeeper zk, @TempDir Path dir)
      throws Exception {
    try (WebhookSink sink = new WebhookSink();
        CenterHarness harness =
            new CenterHarness(kafka, db.jdbcUrl(), db.user(), db.password(), dir);
        CuratorFramework client =
            CuratorFrameworkFactory.newClient(zk.connectString(), new RetryOneTime(200))) {
      client.start();
      client.blockUntilConnected();
      if (client.checkExists().forPath(DynamicConfig.PATH) != null) {
        client.delete().forPath(DynamicConfig.PATH);
      }
      harness.set("zookeeper.connect", zk.connectString());
      harness.set("instance.id", "dynamic-it");
      harness.set("route.dyn.test.channels", "in-app");
      harness.start();

      Notification before =
          Notification.builder()
              .bizType("dyn.test")
              .recipient(Recipient.ofUser("u-d"))
              .content("1")
              .build();
      harness.publish(before);
      await()
          .atMost(WAIT)
          .until(() -> "DELIVERED".equals(harness.messageStatus(before.messageId())));
      assertThat(harness.deliveries(before.messageId()))
          .extracting(d -> d.get("channel"))
          .containsExactly("in-app");

      // Operators move the route to the webhook channel, at run time.
      String routes =
          "route.default.channels=in-app\nroute.dyn.test.channels=webhook\nroute.dyn.test.target.webhook="
              + sink.url("/dyn")
              + "\n";
      client
          .create()
          .creatingParentsIfNeeded()
          .forPath(DynamicConfig.PATH, routes.getBytes(StandardCharsets.UTF_8));
      await()
          .atMost(WAIT)
          .until(
              () -> {
                Notification probe =
                    Notification.builder()
                        .bizType("dyn.test")
                        .recipient(Recipient.ofUser("u-d"))
                        .content("probe")
                        .build();
                harness.publish(probe);
                await()
                    .atMost(WAIT)
                    .until(
                        () ->
                            harness.messageStatus(probe.messageId()) != null
                                && !"DISPATCHING".equals(harness.messageStatus(probe.messageId())));
                return harness
                    .deliveries(probe.messageId())
                    .get(0)
                    .get("channel")
                    .equals("webhook");
              });
      assertThat(sink.received("/dyn")).isNotEmpty();

      // A document naming a channel the center does not have is refused; the last good one stays.
      client
          .setData()
          .forPath(
              DynamicConfig.PATH, "route.dyn.test.channels=fax\n".getBytes(StandardCharsets.UTF_8));
      await().atMost(WAIT).until(() -> harness.metric("msgcenter_config_refused_total") >= 1);
      Notification after =
          Notification.builder()
              .bizType("dyn.test")
              .recipient(Recipient.ofUser("u-d"))
              .content("2")
              .build();
      harness.publish(after);
      await()
          .atMost(WAIT)
          .until(() -> "DELIVERED".equals(harness.messageStatus(after.messageId())));
      assertThat(harness.deliveries(after.messageId()))
          .extracting(d -> d.get("channel"))
          .containsExactly("webhook");
      harness.stopCenter();
      client.delete().quietly().forPath(DynamicConfig.PATH);
    }
  }
}
