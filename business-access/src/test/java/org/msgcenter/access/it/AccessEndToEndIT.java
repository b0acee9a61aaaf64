package org.msgcenter.access.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.msgcenter.access.it.Api.bearer;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMailUtil;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.msgcenter.api.Uuid7;
import org.msgcenter.center.it.GoldenMessage;
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.EmbeddedKafka;
import org.msgcenter.testkit.EmbeddedMariaDb;
import org.msgcenter.testkit.TestDatabase;

/**
 * The access server end to end, over real HTTP, in front of a real message center on real Kafka and
 * MariaDB: business operations notify through the outbox, the center records the notifications, and
 * users read them back through the inbox endpoints (Dubbo underneath).
 */
@ExtendWith(EmbeddedInfrastructure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessEndToEndIT {
  private static final Duration WAIT = Duration.ofSeconds(40);

  private Stack stack;
  private Api api;
  private String alice;
  private String bob;

  @BeforeAll
  void start(EmbeddedKafka kafka, EmbeddedMariaDb mariaDb, TestDatabase db, @TempDir Path dir) {
    stack = new Stack(kafka, mariaDb, db, dir).startCenter();
    stack.startAccess();
    api = stack.api();
    alice = api.signIn("alice", "alice-demo-pass");
    bob = api.signIn("bob", "bob-demo-pass");
  }

  @AfterAll
  void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  /** The user's inbox items (first page), newest first. */
  private List<JsonNode> inbox(String token) {
    Api.Response r = api.get("/api/me/inbox?limit=200", bearer(token));
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    List<JsonNode> items = new ArrayList<>();
    r.json().path("items").forEach(items::add);
    return items;
  }

  /** Waits for an inbox item of {@code bizType} about {@code bizId}. */
  private JsonNode awaitInbox(String token, String bizType, String bizId) {
    return await()
        .atMost(WAIT)
        .until(
            () ->
                inbox(token).stream()
                    .filter(m -> bizType.equals(m.path("bizType").asText()))
                    .filter(m -> bizId == null || bizId.equals(m.path("bizId").asText()))
                    .findFirst()
                    .orElse(null),
            m -> m != null);
  }

  private BigDecimal balance(String token) {
    return api.get("/api/payment/balance", bearer(token)).json().path("balance").decimalValue();
  }

  private Api.Response transfer(String token, String body) {
    return api.post("/api/payment/transfer", body, bearer(token));
  }

  @Test
  void a_transfer_notifies_payer_and_payee_and_both_read_it_in_their_inbox() {
    BigDecimal aliceBefore = balance(alice);
    BigDecimal bobBefore = balance(bob);

    Api.Response r = transfer(alice, "{\"to\":\"bob\",\"amount\":\"120.50\",\"note\":\"lunch\"}");

    assertThat(r.status()).as("%s", r).isEqualTo(201);
    String transferId = r.json().path("transfer").path("transferId").asText();
    assertThat(r.json().path("balance").decimalValue())
        .isEqualByComparingTo(aliceBefore.subtract(new BigDecimal("120.50")));
    assertThat(balance(bob)).isEqualByComparingTo(bobBefore.add(new BigDecimal("120.50")));

    JsonNode received = awaitInbox(bob, "payment.received", transferId);
    assertThat(received.path("userId").asText()).isEqualTo("u-1002");
    assertThat(received.path("content").asText()).isEqualTo("You received 120.50 CNY from Alice.");
    assertThat(received.path("data").path("note").asText()).isEqualTo("lunch");
    JsonNode sent = awaitInbox(alice, "payment.sent", transferId);
    assertThat(sent.path("content").asText()).isEqualTo("You sent 120.50 CNY to Bob.");

    // Recorded by the center, in its own database, once each.
    assertThat(
            stack.centerRows(
                "SELECT user_id, biz_type FROM message WHERE biz_id = ? ORDER BY user_id",
                transferId))
        .extracting(m -> m.get("user_id") + " " + m.get("biz_type"))
        .containsExactly("u-1001 payment.sent", "u-1002 payment.received");

    // The delivery timeline of bob's message.
    String id = received.path("messageId").asText();
    JsonNode message =
        await()
            .atMost(WAIT)
            .until(
                () -> api.get("/api/messages/" + id, bearer(bob)).json(),
                m -> "DELIVERED".equals(m.path("status").asText()));
    JsonNode delivery = message.path("deliveries").get(0);
    assertThat(delivery.path("channel").asText()).isEqualTo("in-app");
    assertThat(delivery.path("status").asText()).isEqualTo("SENT");
    assertThat(delivery.path("history").get(0).path("outcome").asText()).isEqualTo("SENT");
  }

  @Test
  void unread_count_falls_when_a_message_is_marked_read() {
    String transferId =
        transfer(alice, "{\"to\":\"u-1002\",\"amount\":1}")
            .json()
            .path("transfer")
            .path("transferId")
            .asText();
    String id = awaitInbox(bob, "payment.received", transferId).path("messageId").asText();
    long before = api.get("/api/me/unread-count", bearer(bob)).json().path("unread").asLong();
    assertThat(before).isPositive();

    Api.Response r = api.post("/api/me/read", "{\"messageIds\":[\"" + id + "\"]}", bearer(bob));

    assertThat(r.status()).as("%s", r).isEqualTo(200);
    assertThat(r.json().path("marked").asInt()).isEqualTo(1);
    assertThat(api.get("/api/me/unread-count", bearer(bob)).json().path("unread").asLong())
        .isEqualTo(before - 1);
    JsonNode delivery =
        api.get("/api/messages/" + id, bearer(bob)).json().path("deliveries").get(0);
    assertThat(delivery.path("status").asText()).isEqualTo("READ");
  }

  @Test
  void a_user_cannot_read_another_users_message() {
    String transferId =
        transfer(alice, "{\"to\":\"bob\",\"amount\":\"2.00\"}")
            .json()
            .path("transfer")
            .path("transferId")
            .asText();
    String bobsMessage = awaitInbox(bob, "payment.received", transferId).path("messageId").asText();

    Api.Response asAlice = api.get("/api/messages/" + bobsMessage, bearer(alice));
    Api.Response unknown = api.get("/api/messages/" + Uuid7.generate(), bearer(alice));

    assertThat(asAlice.status()).isEqualTo(404);
    assertThat(asAlice.json().path("violations")).isEqualTo(unknown.json().path("violations"));
    assertThat(asAlice.raw().body()).doesNotContain("received");
    assertThat(inbox(alice)).noneMatch(m -> bobsMessage.equals(m.path("messageId").asText()));
    // Marking another user's message read changes nothing.
    assertThat(
            api.post("/api/me/read", "{\"messageIds\":[\"" + bobsMessage + "\"]}", bearer(alice))
                .json()
                .path("marked")
                .asInt())
        .isZero();
    assertThat(api.get("/api/messages/" + bobsMessage, bearer(bob)).status()).isEqualTo(200);
  }

  @Test
  void insufficient_funds_answer_422_naming_amount_and_notify_no_one() {
    String carol = api.signIn("carol", "carol-demo-pass");
    BigDecimal before = balance(carol);
    long outboxBefore = outboxRows();

    Api.Response r = transfer(carol, "{\"to\":\"alice\",\"amount\":\"999999.00\"}");

    assertThat(r.status()).as("%s", r).isEqualTo(422);
    assertThat(r.json().path("error").asText()).isEqualTo("rejected");
    assertThat(r.fields()).containsExactly("amount");
    assertThat(r.rule("amount")).startsWith("must not exceed your balance of ");
    assertThat(balance(carol)).isEqualByComparingTo(before);
    assertThat(outboxRows()).isEqualTo(outboxBefore);
  }

  private long outboxRows() {
    return ((Number) stack.accessRows("SELECT COUNT(*) AS n FROM msgcenter_outbox").get(0).get("n"))
        .longValue();
  }

  @Test
  void a_sign_in_from_a_new_device_alerts_with_its_address_and_device_and_a_known_one_does_not() {
    String ua = "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0";
    String token = api.signIn("carol", "carol-demo-pass", ua);
    JsonNode alert =
        await()
            .atMost(WAIT)
            .until(
                () ->
                    inbox(token).stream()
                        .filter(m -> "account.login-alert".equals(m.path("bizType").asText()))
                        .filter(
                            m -> "Firefox on Linux".equals(m.path("data").path("device").asText()))
                        .findFirst()
                        .orElse(null),
                m -> m != null);
    assertThat(alert.path("data").path("ip").asText()).isEqualTo("127.0.0.1");
    assertThat(alert.path("content").asText())
        .contains("from 127.0.0.1 on Firefox on Linux")
        .contains("If this was not you");

    api.signIn("carol", "carol-demo-pass", ua);

    assertThat(
            stack.accessRows(
                "SELECT alerted FROM account_login WHERE user_id = 'u-1003' AND device = ?"
                    + " ORDER BY id",
                "Firefox on Linux"))
        .extracting(r -> r.get("alerted"))
        .containsExactly(true, false);
  }

  @Test
  void shipping_an_order_notifies_in_app_and_by_email() throws MessagingException {
    Api.Response created =
        api.post(
            "/api/order/create",
            "{\"item\":\"Kettle\",\"quantity\":1,\"amount\":\"39.90\"}",
            bearer(alice));
    assertThat(created.status()).as("%s", created).isEqualTo(201);
    String orderId = created.json().path("orderId").asText();

    Api.Response shipped =
        api.post(
            "/api/order/ship",
            "{\"orderId\":\"" + orderId + "\",\"carrier\":\"SF Express\",\"trackingNo\":\"SF123\"}",
            bearer(alice));
    assertThat(shipped.status()).as("%s", shipped).isEqualTo(200);

    JsonNode inApp = awaitInbox(alice, "order.shipped", orderId);
    assertThat(inApp.path("content").asText()).contains("SF Express").contains("SF123");
    String id = inApp.path("messageId").asText();
    JsonNode message =
        await()
            .atMost(WAIT)
            .until(
                () -> api.get("/api/messages/" + id, bearer(alice)).json(),
                m -> "DELIVERED".equals(m.path("status").asText()));
    Map<String, String> channels = new HashMap<>();
    message
        .path("deliveries")
        .forEach(d -> channels.put(d.path("channel").asText(), d.path("status").asText()));
    assertThat(channels).containsEntry("in-app", "SENT").containsEntry("email", "SENT");
    MimeMessage email =
        await()
            .atMost(WAIT)
            .until(
                () ->
                    Arrays.stream(stack.mail.getReceivedMessages())
                        .filter(m -> subject(m).equals("Your order has shipped"))
                        .findFirst()
                        .orElse(null),
                m -> m != null);
    assertThat(email.getAllRecipients()[0].toString()).isEqualTo("alice@example.com");
    assertThat(GreenMailUtil.getBody(email)).contains("SF123");

    Api.Response again =
        api.post(
            "/api/order/ship",
            "{\"orderId\":\"" + orderId + "\",\"carrier\":\"SF Express\",\"trackingNo\":\"SF123\"}",
            bearer(alice));
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.fields()).containsExactly("orderId");
    assertThat(
            api.post(
                    "/api/order/ship",
                    "{\"orderId\":\"" + orderId + "\",\"carrier\":\"X\",\"trackingNo\":\"Y\"}",
                    bearer(bob))
                .status())
        .as("bob cannot ship alice's order")
        .isEqualTo(404);
  }

  private static String subject(MimeMessage m) {
    try {
      return m.getSubject();
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void the_api_key_path_publishes_a_notification_the_center_records() {
    String messageId = Uuid7.generate();
    String body =
        "{\"messageId\":\""
            + messageId
            + "\",\"bizType\":\"billing.invoice\",\"bizId\":\"inv-1\","
            + "\"recipient\":{\"userId\":\"u-1002\"},\"title\":\"Invoice\","
            + "\"content\":\"Your invoice is ready.\"}";

    Api.Response r = api.post("/api/notifications", body, Map.of("X-Api-Key", Stack.API_KEY));

    assertThat(r.status()).as("%s", r).isEqualTo(202);
    assertThat(r.json().path("messageId").asText()).isEqualTo(messageId);
    JsonNode inBobsInbox = awaitInbox(bob, "billing.invoice", "inv-1");
    assertThat(inBobsInbox.path("messageId").asText()).isEqualTo(messageId);
    assertThat(
            stack.centerRows(
                "SELECT biz_type FROM message WHERE message_id = UNHEX(REPLACE(?, '-', ''))",
                messageId))
        .hasSize(1);

    // The same id again is accepted and still recorded once.
    assertThat(api.post("/api/notifications", body, Map.of("X-Api-Key", Stack.API_KEY)).status())
        .isEqualTo(202);
    Api.Response fresh =
        api.post(
            "/api/notifications",
            "{\"bizType\":\"billing.invoice\",\"recipient\":{\"userId\":\"u-1002\"},"
                + "\"content\":\"No id given\"}",
            Map.of("X-Api-Key", Stack.API_KEY));
    assertThat(fresh.status()).isEqualTo(202);
    assertThat(Uuid7.isCanonical(fresh.json().path("messageId").asText())).isTrue();
  }

  @Test
  void the_message_view_has_the_shape_of_the_centers_triple_view() throws Exception {
    try (Connection c = stack.centerConnection()) {
      GoldenMessage.seed(c);
    }
    JsonNode golden = Api.JSON.readTree(GoldenMessage.golden());

    Api.Response r = api.get("/api/messages/" + GoldenMessage.MESSAGE_ID, bearer(alice));

    assertThat(r.status()).as("%s", r).isEqualTo(200);
    assertThat(r.json()).isEqualTo(golden);
    assertThat(r.raw().body()).doesNotContain("T0K3N");
  }
}
