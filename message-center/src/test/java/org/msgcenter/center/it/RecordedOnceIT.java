package org.msgcenter.center.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
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

/** The same messageId is recorded once, and a delivery is never sent twice in normal operation. */
@ExtendWith(EmbeddedInfrastructure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecordedOnceIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private CenterHarness harness;
  private WebhookSink sink;

  @BeforeAll
  void start(EmbeddedKafka kafka, TestDatabase db, @TempDir Path dir) throws IOException {
    sink = new WebhookSink();
    harness = new CenterHarness(kafka, db.jdbcUrl(), db.user(), db.password(), dir);
    harness.set("route.once.channels", "in-app,webhook");
    harness.set("route.once.target.webhook", sink.url("/once"));
    harness.start();
  }

  @AfterAll
  void stop() {
    harness.close();
    sink.close();
  }

  private static Notification notification(String user) {
    return Notification.builder()
        .bizType("once")
        .recipient(Recipient.ofUser(user))
        .content("hello")
        .build();
  }

  @Test
  void a_notification_published_twice_is_recorded_once_and_sent_once() {
    Notification n = notification("u-twice");
    harness.publish(n);
    harness.publish(n);

    await().atMost(WAIT).until(() -> "DELIVERED".equals(harness.messageStatus(n.messageId())));
    // Give a second copy every chance to show up before counting.
    Notification marker = notification("u-twice");
    harness.publish(marker);
    await().atMost(WAIT).until(() -> "DELIVERED".equals(harness.messageStatus(marker.messageId())));

    assertThat(
            harness.count(
                "SELECT COUNT(*) FROM message WHERE message_id = UNHEX(REPLACE(?, '-', ''))",
                n.messageId()))
        .isEqualTo(1);
    assertThat(harness.deliveries(n.messageId())).hasSize(2);
    assertThat(sink.received("/once").stream().filter(r -> r.body().contains(n.messageId())))
        .hasSize(1);
  }

  @Test
  void
      batches_consumed_again_after_a_restart_before_the_offset_commit_are_not_recorded_or_sent_again()
          throws Exception {
    List<Notification> sent = IntStream.range(0, 50).mapToObj(i -> notification("u-" + i)).toList();
    sent.forEach(harness::publish);
    await()
        .atMost(WAIT)
        .until(
            () ->
                sent.stream()
                    .allMatch(n -> "DELIVERED".equals(harness.messageStatus(n.messageId()))));
    int requestsBefore = sink.received("/once").size();
    long attemptsBefore = harness.count("SELECT COUNT(*) FROM delivery_attempt");

    // As if the center had died after storing but before committing: rewind the group to 0.
    harness.stopCenter();
    String topic = harness.topic("notifications");
    String group = harness.settings.get("kafka.groupId");
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, harness.kafka.bootstrapServers());
    Map<TopicPartition, Long> end;
    try (Admin admin = Admin.create(p)) {
      Map<TopicPartition, OffsetAndMetadata> rewind = new HashMap<>();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int partition = 0; partition < 3; partition++) {
        rewind.put(new TopicPartition(topic, partition), new OffsetAndMetadata(0));
        latest.put(new TopicPartition(topic, partition), OffsetSpec.latest());
      }
      admin.alterConsumerGroupOffsets(group, rewind).all().get();
      end = new HashMap<>();
      admin.listOffsets(latest).all().get().forEach((tp, info) -> end.put(tp, info.offset()));
    }
    harness.start();

    // Wait until the group has consumed and committed everything again.
    try (Admin admin = Admin.create(p)) {
      await()
          .atMost(WAIT)
          .until(
              () -> {
                var committed =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                return end.entrySet().stream()
                    .allMatch(
                        e ->
                            committed.get(e.getKey()) != null
                                && committed.get(e.getKey()).offset() >= e.getValue());
              });
    }
    for (Notification n : sent) {
      assertThat(
              harness.count(
                  "SELECT COUNT(*) FROM delivery WHERE message_id = UNHEX(REPLACE(?, '-', ''))",
                  n.messageId()))
          .isEqualTo(2);
    }
    assertThat(harness.count("SELECT COUNT(*) FROM delivery_attempt")).isEqualTo(attemptsBefore);
    assertThat(sink.received("/once")).hasSize(requestsBefore);
  }
}
