package org.msgcenter.center.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.msgcenter.center.it.DubboClients.as;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.msgcenter.api.AttemptOutcome;
import org.msgcenter.api.AttemptView;
import org.msgcenter.api.DeliveryStatus;
import org.msgcenter.api.DeliveryView;
import org.msgcenter.api.InboxQuery;
import org.msgcenter.api.InvalidRequestException;
import org.msgcenter.api.MessageNotFoundException;
import org.msgcenter.api.MessageStatus;
import org.msgcenter.api.MessageView;
import org.msgcenter.api.Notification;
import org.msgcenter.api.Recipient;
import org.msgcenter.api.ResendResult;
import org.msgcenter.api.Uuid7;
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.EmbeddedKafka;
import org.msgcenter.testkit.EmbeddedZooKeeper;
import org.msgcenter.testkit.FreePorts;
import org.msgcenter.testkit.TestDatabase;

/**
 * The command service end to end: resend, cancel and markRead called by a real Dubbo consumer
 * through the ZooKeeper registry, on notifications the center's own pipeline recorded and sends.
 */
@ExtendWith(EmbeddedInfrastructure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DubboCommandIT {
  private static final String TOKEN = "command-it-token";
  private static final Duration WAIT = Duration.ofSeconds(30);

  private EmbeddedZooKeeper zk;
  private CenterHarness harness;
  private WebhookSink sink;
  private DubboClients client;

  @BeforeAll
  void start(EmbeddedKafka kafka, TestDatabase db, @TempDir Path dir) throws IOException {
    zk = new EmbeddedZooKeeper().start();
    sink = new WebhookSink().answer("/flaky", 410);
    harness = new CenterHarness(kafka, db.jdbcUrl(), db.user(), db.password(), dir);
    harness
        .set("zookeeper.connect", zk.connectString())
        .set("dubbo.enabled", "true")
        .set("dubbo.port", String.valueOf(FreePorts.next()))
        .set("dubbo.tri.port", String.valueOf(FreePorts.next()))
        .set("dubbo.accessToken", TOKEN)
        .set("poller.interval", "200ms")
        // Small pools, so that the test of their separation can take every service connection.
        .set("db.poolSize", "2")
        .set("db.servicePoolSize", "2")
        .set("route.hook.flaky.channels", "webhook")
        .set("route.hook.flaky.target.webhook", sink.url("/flaky"))
        .set("route.hook.later.channels", "webhook")
        .set("route.hook.later.target.webhook", sink.url("/later"));
    harness.start();
    client = new DubboClients(zk.connectString(), "tri");
  }

  @AfterAll
  void stop() {
    if (client != null) {
      client.close();
    }
    harness.close();
    sink.close();
    zk.close();
  }

  private MessageView view(String messageId) {
    return as(TOKEN, () -> client.queries.getMessage(messageId));
  }

  private MessageView awaitStatus(String messageId, MessageStatus status) {
    return await()
        .atMost(WAIT)
        .ignoreException(MessageNotFoundException.class)
        .until(() -> view(messageId), m -> m.getStatus() == status);
  }

  @Test
  void resend_of_a_dead_delivery_delivers_it_and_records_the_attempt_as_manual() {
    Notification n =
        Notification.builder()
            .bizType("hook.flaky")
            .recipient(Recipient.ofUser("u-9"))
            .content("x")
            .build();
    harness.publish(n);
    DeliveryView dead = awaitStatus(n.messageId(), MessageStatus.FAILED).getDeliveries().get(0);
    assertThat(dead.getStatus()).isEqualTo(DeliveryStatus.DEAD);

    sink.answer("/flaky", 200);
    ResendResult result = as(TOKEN, () -> client.commands.resend(n.messageId()));
    assertThat(result.getMessageId()).isEqualTo(n.messageId());
    assertThat(result.getResent()).containsExactly(dead.getDeliveryId());
    assertThat(result.getSkipped()).isEmpty();

    MessageView delivered = awaitStatus(n.messageId(), MessageStatus.DELIVERED);
    DeliveryView d = delivered.getDeliveries().get(0);
    assertThat(d.getStatus()).isEqualTo(DeliveryStatus.SENT);
    assertThat(d.getAttempts()).isEqualTo(1);
    List<AttemptView> history = d.getHistory();
    assertThat(history).hasSize(2);
    assertThat(history.get(0).getOutcome()).isEqualTo(AttemptOutcome.PERMANENT_FAILURE);
    assertThat(history.get(0).isManual()).isFalse();
    assertThat(history.get(1).getOutcome()).isEqualTo(AttemptOutcome.SENT);
    assertThat(history.get(1).getAttempt()).isEqualTo(1);
    assertThat(history.get(1).isManual()).isTrue();
    assertThat(sink.received("/flaky").stream().filter(r -> r.body().contains(n.messageId())))
        .hasSize(2);

    // Nothing left to resend: the sent delivery is skipped with the reason.
    ResendResult again = as(TOKEN, () -> client.commands.resend(n.messageId()));
    assertThat(again.getResent()).isEmpty();
    assertThat(again.getSkipped()).hasSize(1);
    assertThat(again.getSkipped().get(0).getReason()).contains("status SENT is not resendable");
  }

  @Test
  void cancel_of_a_scheduled_delivery_stops_it() {
    Notification n =
        Notification.builder()
            .bizType("hook.later")
            .recipient(Recipient.ofUser("u-10"))
            .content("later")
            .sendAt(Instant.now().plusSeconds(3))
            .build();
    harness.publish(n);
    awaitStatus(n.messageId(), MessageStatus.SCHEDULED);

    assertThat(as(TOKEN, () -> client.commands.cancel(n.messageId()))).isTrue();
    MessageView cancelled = view(n.messageId());
    assertThat(cancelled.getStatus()).isEqualTo(MessageStatus.CANCELLED);
    assertThat(cancelled.getDeliveries().get(0).getStatus()).isEqualTo(DeliveryStatus.CANCELLED);
    assertThat(cancelled.getDeliveries().get(0).getNextAttemptAt()).isNull();

    // Past its send time and several poller runs later, nothing was sent.
    await().pollDelay(Duration.ofSeconds(5)).atMost(WAIT).until(() -> true);
    assertThat(sink.received("/later").stream().filter(r -> r.body().contains(n.messageId())))
        .isEmpty();
    assertThat(view(n.messageId()).getDeliveries().get(0).getHistory()).isEmpty();
    assertThat(as(TOKEN, () -> client.commands.cancel(n.messageId()))).isFalse();
  }

  @Test
  void mark_read_is_one_way_and_only_for_the_owner() {
    String user = "u-read-" + System.nanoTime();
    List<String> ids = List.of(publishInApp(user), publishInApp(user), publishInApp(user));
    await().atMost(WAIT).until(() -> as(TOKEN, () -> client.queries.unreadCount(user)) == 3);

    assertThat(as(TOKEN, () -> client.commands.markRead("someone-else", ids))).isZero();
    assertThat(as(TOKEN, () -> client.commands.markRead(user, ids.subList(0, 2)))).isEqualTo(2);
    assertThat(as(TOKEN, () -> client.commands.markRead(user, ids.subList(0, 2)))).isZero();
    assertThat(as(TOKEN, () -> client.queries.unreadCount(user))).isEqualTo(1);
    assertThat(
            as(TOKEN, () -> client.queries.inbox(user, new InboxQuery().setUnreadOnly(true)))
                .getItems())
        .extracting(MessageView::getMessageId)
        .containsExactly(ids.get(2));
    DeliveryView read = view(ids.get(0)).getDeliveries().get(0);
    assertThat(read.getStatus()).isEqualTo(DeliveryStatus.READ);
    assertThat(read.getReadAt()).isNotNull();

    assertThatThrownBy(() -> as(TOKEN, () -> client.commands.markRead(user, List.of("x"))))
        .isInstanceOfSatisfying(
            InvalidRequestException.class,
            e -> assertThat(e.getField()).isEqualTo("messageIds[0]"));
  }

  @Test
  void commands_on_an_unknown_message_are_not_found() {
    String unknown = Uuid7.generate();
    assertThatThrownBy(() -> as(TOKEN, () -> client.commands.resend(unknown)))
        .isInstanceOf(MessageNotFoundException.class);
    assertThatThrownBy(() -> as(TOKEN, () -> client.commands.cancel(unknown)))
        .isInstanceOf(MessageNotFoundException.class);
  }

  @Test
  void commands_waiting_on_the_database_do_not_stall_delivery() throws Exception {
    String user = "u-pools-" + System.nanoTime();
    String locked = publishInApp(user);
    await().atMost(WAIT).until(() -> harness.settled(locked));

    ExecutorService callers = Executors.newFixedThreadPool(2);
    try (Connection holder = harness.connect()) {
      // Hold the message's row lock, so that every cancel of it waits inside the database with a
      // connection of the services' pool: two of them take the whole pool.
      holder.setAutoCommit(false);
      try (PreparedStatement ps =
          holder.prepareStatement(
              "SELECT message_id FROM message WHERE message_id = UNHEX(REPLACE(?, '-', ''))"
                  + " FOR UPDATE")) {
        ps.setString(1, locked);
        ps.executeQuery().close();
      }
      List<Future<Boolean>> cancels = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        cancels.add(callers.submit(() -> as(TOKEN, () -> client.commands.cancel(locked))));
      }
      await()
          .atMost(WAIT)
          .until(
              () ->
                  harness.count(
                      "SELECT COUNT(*) FROM information_schema.PROCESSLIST"
                          + " WHERE INFO LIKE '%FROM message%FOR UPDATE' AND TIME_MS > 200"),
              waiting -> waiting >= 2);

      // Delivery writes on its own pool: a new notification is recorded and sent meanwhile.
      String meanwhile = publishInApp(user);
      await().atMost(Duration.ofSeconds(10)).until(() -> harness.settled(meanwhile));
      assertThat(harness.byChannel(meanwhile).get("in-app").get("status")).isEqualTo("SENT");

      holder.rollback();
      for (Future<Boolean> cancel : cancels) {
        // The locked message was sent before: nothing left to cancel.
        assertThat(cancel.get(30, TimeUnit.SECONDS)).isFalse();
      }
    } finally {
      callers.shutdownNow();
    }
  }

  private String publishInApp(String user) {
    Notification n =
        Notification.builder()
            .bizType("inbox.note")
            .recipient(Recipient.ofUser(user))
            .content("hi")
            .build();
    harness.publish(n);
    return n.messageId();
  }
}
