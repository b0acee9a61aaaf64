package org.msgcenter.notifier.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.msgcenter.notifier.Notifier;
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.EmbeddedKafka;
import org.msgcenter.testkit.TestDatabase;

/**
 * The notifier end to end: notifications published to Kafka, routed to in-app by a real message
 * center, pushed by two notifier instances to official Socket.IO Java clients, whose acks and reads
 * the center records.
 */
@ExtendWith(EmbeddedInfrastructure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotifierIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private Stack stack;
  private Notifier one;
  private Notifier two;
  private final List<TestClient> clients = new ArrayList<>();

  @BeforeAll
  void start(EmbeddedKafka kafka, TestDatabase db, @TempDir Path dir) {
    stack = new Stack(kafka, db, dir);
    one = stack.startNotifier();
    two = stack.startNotifier();
  }

  @AfterAll
  void stop() {
    clients.forEach(TestClient::close);
    if (stack != null) {
      stack.close();
    }
  }

  private static String user() {
    return "user-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private TestClient connected(TestClient c) {
    clients.add(c);
    c.connect();
    await().atMost(WAIT).until(() -> c.connected && !c.replays.isEmpty());
    return c;
  }

  private TestClient client(Notifier n, String userId) {
    return connected(TestClient.withAuth(n.socketIoPort(), stack.token(userId), null));
  }

  @Test
  void published_notification_is_received_acked_and_recorded_acked() {
    String user = user();
    TestClient c = client(one, user);

    String messageId = stack.publish(user, "Transfer received");

    await().atMost(WAIT).until(() -> c.notifications.size() == 1);
    JSONObject n = c.notifications.get(0);
    assertThat(n.optString("messageId")).isEqualTo(messageId);
    assertThat(n.optString("bizType")).isEqualTo("payment.succeeded");
    assertThat(n.optString("title")).isEqualTo("Transfer received");
    assertThat(n.optString("content")).isEqualTo("Transfer received: 120.00");
    assertThat(n.optJSONObject("data").optString("amount")).isEqualTo("120.00");
    assertThat(n.optString("deliveryId")).hasSize(36);
    assertThat(n.optString("createdAt")).endsWith("Z");
    await().atMost(WAIT).until(() -> "ACKED".equals(stack.inAppStatus(messageId)));
  }

  @Test
  void a_user_never_receives_another_users_notifications() {
    String alice = user();
    String bob = user();
    TestClient a = client(one, alice);
    TestClient b = client(one, bob);

    String forAlice = stack.publish(alice, "For Alice");
    String forBob = stack.publish(bob, "For Bob");

    await().atMost(WAIT).until(() -> a.notifications.size() == 1 && b.notifications.size() == 1);
    // Later notifications to Bob reach Bob, so anything to Alice would have arrived by now too.
    String second = stack.publish(bob, "For Bob again");
    await().atMost(WAIT).until(() -> b.notifications.size() == 2);
    assertThat(a.messageIds()).containsExactly(forAlice);
    assertThat(b.messageIds()).containsExactly(forBob, second);
  }

  @Test
  void every_tab_of_a_user_receives_each_notification_once() {
    String user = user();
    TestClient tab1 = client(one, user);
    TestClient tab2 = client(one, user);

    String messageId = stack.publish(user, "Both tabs");

    await()
        .atMost(WAIT)
        .until(() -> tab1.notifications.size() == 1 && tab2.notifications.size() == 1);
    assertThat(tab1.messageIds()).containsExactly(messageId);
    assertThat(tab2.messageIds()).containsExactly(messageId);
  }

  @Test
  void clients_on_two_notifier_instances_each_receive_their_users_notifications() {
    String user = user();
    String other = user();
    TestClient onOne = client(one, user);
    TestClient onTwo = client(two, user);
    TestClient otherOnTwo = client(two, other);

    String mine = stack.publish(user, "Everywhere");
    String theirs = stack.publish(other, "Only on two");

    await()
        .atMost(WAIT)
        .until(
            () ->
                onOne.notifications.size() == 1
                    && onTwo.notifications.size() == 1
                    && otherOnTwo.notifications.size() == 1);
    assertThat(onOne.messageIds()).containsExactly(mine);
    assertThat(onTwo.messageIds()).containsExactly(mine);
    assertThat(otherOnTwo.messageIds()).containsExactly(theirs);
  }

  @Test
  void a_client_that_reconnects_gets_exactly_the_notifications_it_missed_in_order()
      throws Exception {
    String user = user();
    TestClient first = client(one, user);
    String before = stack.publish(user, "Before");
    await().atMost(WAIT).until(() -> first.notifications.size() == 1);
    await().atMost(WAIT).until(() -> "ACKED".equals(stack.inAppStatus(before)));
    first.close();
    await().atMost(WAIT).until(() -> one.connectedClients() == 0 || !first.connected);

    List<String> missed = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      missed.add(stack.publish(user, "Missed " + i));
    }
    await()
        .atMost(WAIT)
        .until(() -> missed.stream().allMatch(id -> "SENT".equals(stack.inAppStatus(id))));

    TestClient again = client(one, user);
    await().atMost(WAIT).until(() -> again.notifications.size() >= 20);
    assertThat(again.messageIds()).containsExactlyElementsOf(missed);
    assertThat(again.replays.get(0).optInt("count")).isEqualTo(20);
    await()
        .atMost(WAIT)
        .until(() -> missed.stream().allMatch(id -> "ACKED".equals(stack.inAppStatus(id))));
  }

  @Test
  void an_offline_device_catches_up_through_since_even_when_another_device_acked() {
    String user = user();
    TestClient phone = client(one, user);
    String seen = stack.publish(user, "Seen by both");
    await().atMost(WAIT).until(() -> phone.notifications.size() == 1);
    // The laptop saw "seen", then went offline; the phone stays online and acks the rest.
    List<String> later = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      later.add(stack.publish(user, "Later " + i));
    }
    await().atMost(WAIT).until(() -> phone.notifications.size() == 6);
    await()
        .atMost(WAIT)
        .until(() -> later.stream().allMatch(id -> "ACKED".equals(stack.inAppStatus(id))));

    TestClient laptop = connected(TestClient.withAuth(two.socketIoPort(), stack.token(user), seen));

    await().atMost(WAIT).until(() -> laptop.notifications.size() >= 5);
    assertThat(laptop.messageIds()).containsExactlyElementsOf(later);
  }

  @Test
  void a_new_connection_without_since_skips_what_a_client_on_another_notifier_acked() {
    String user = user();
    TestClient onOne = client(one, user);
    String acked = stack.publish(user, "Acked on one");
    await().atMost(WAIT).until(() -> "ACKED".equals(stack.inAppStatus(acked)));
    onOne.close();
    TestClient silent = TestClient.withAuth(one.socketIoPort(), stack.token(user), null);
    silent.ack = false;
    connected(silent);
    String unacked = stack.publish(user, "Not acked yet");
    await().atMost(WAIT).until(() -> silent.notifications.size() == 1);
    silent.close();
    await().atMost(WAIT).until(() -> "SENT".equals(stack.inAppStatus(unacked)));

    // Two read both events moments ago; only the one no client acked is replayed.
    TestClient onTwo = client(two, user);

    assertThat(onTwo.replays.get(0).optInt("count")).isEqualTo(1);
    assertThat(onTwo.messageIds()).containsExactly(unacked);
  }

  @Test
  void a_long_polling_client_gets_its_replay_then_live_notifications() {
    String user = user();
    String missed = stack.publish(user, "While away");
    await().atMost(WAIT).until(() -> "SENT".equals(stack.inAppStatus(missed)));

    TestClient c = connected(TestClient.polling(one.socketIoPort(), stack.token(user)));
    String live = stack.publish(user, "Live");

    await().atMost(WAIT).until(() -> c.notifications.size() == 2);
    assertThat(c.messageIds()).containsExactly(missed, live);
    await().atMost(WAIT).until(() -> "ACKED".equals(stack.inAppStatus(live)));
  }

  @Test
  void since_in_the_query_string_works_like_the_auth_payload() {
    String user = user();
    String first = stack.publish(user, "First");
    String second = stack.publish(user, "Second");
    await().atMost(WAIT).until(() -> "SENT".equals(stack.inAppStatus(second)));

    TestClient c =
        connected(
            TestClient.withQuery(
                one.socketIoPort(), "token=" + stack.token(user) + "&since=" + first));

    await().atMost(WAIT).until(() -> c.notifications.size() >= 1);
    assertThat(c.messageIds()).containsExactly(second);
  }

  @Test
  void read_is_recorded_as_read_and_a_bad_id_loses_nothing_else() throws Exception {
    String user = user();
    TestClient c = client(one, user);
    String messageId = stack.publish(user, "Read me");
    await().atMost(WAIT).until(() -> c.notifications.size() == 1);

    JSONObject answer = c.read(TestClient.readPayload(List.of(messageId, "not-an-id")));

    assertThat(answer.optBoolean("ok")).isFalse();
    assertThat(answer.optInt("read")).isEqualTo(1);
    assertThat(answer.optJSONArray("errors").optString(0)).contains("messageIds[1]");
    await().atMost(WAIT).until(() -> "READ".equals(stack.inAppStatus(messageId)));
  }

  @Test
  void read_of_a_message_this_notifier_never_sent_is_recorded_through_the_center()
      throws Exception {
    String user = user();
    TestClient phone = client(one, user);
    String messageId = stack.publish(user, "Read later on the laptop");
    await().atMost(WAIT).until(() -> "ACKED".equals(stack.inAppStatus(messageId)));
    // A notifier that remembers no recent events: it knows nothing of this message.
    var settings = stack.notifierSettings();
    settings.put("replay.recentWindow", "0s");
    Notifier forgetful = stack.startNotifier(settings);
    TestClient laptop = client(forgetful, user);
    assertThat(laptop.notifications).isEmpty();

    JSONObject answer = laptop.read(TestClient.readPayload(List.of(messageId)));

    assertThat(answer.optBoolean("ok")).isTrue();
    assertThat(answer.optInt("read")).isEqualTo(1);
    await().atMost(WAIT).until(() -> "READ".equals(stack.inAppStatus(messageId)));
    assertThat(phone.notifications).hasSize(1);
  }

  @Test
  void a_user_cannot_mark_another_users_notification_read() throws Exception {
    String alice = user();
    String bob = user();
    TestClient b = client(one, bob);
    String forBob = stack.publish(bob, "Bob's");
    await().atMost(WAIT).until(() -> "ACKED".equals(stack.inAppStatus(forBob)));
    TestClient a = client(two, alice);

    a.read(TestClient.readPayload(List.of(forBob)));
    // Alice's next own read is recorded, so hers about Bob's message has been handled by then.
    String forAlice = stack.publish(alice, "Alice's");
    await().atMost(WAIT).until(() -> a.notifications.size() == 1);
    a.read(TestClient.readPayload(List.of(forAlice)));
    await().atMost(WAIT).until(() -> "READ".equals(stack.inAppStatus(forAlice)));

    assertThat(stack.inAppStatus(forBob)).isEqualTo("ACKED");
    assertThat(b.notifications).hasSize(1);
  }

  @Test
  void read_with_a_payload_of_the_wrong_shape_is_answered_with_an_error() throws Exception {
    TestClient c = client(one, user());

    JSONObject answer = c.read("messageIds");

    assertThat(answer.optBoolean("ok")).isFalse();
    assertThat(answer.optJSONArray("errors").optString(0)).contains("{messageIds: [...]}");
    assertThat(c.connected).isTrue();
  }
}
