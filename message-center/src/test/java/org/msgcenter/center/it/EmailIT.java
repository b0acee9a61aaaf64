package org.msgcenter.center.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.nio.file.Files;
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
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.EmbeddedKafka;
import org.msgcenter.testkit.TestDatabase;

/** The email channel end to end: published notification, SMTP server, recorded outcome. */
@ExtendWith(EmbeddedInfrastructure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmailIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private MailServer smtp;
  private CenterHarness harness;

  @BeforeAll
  void start(EmbeddedKafka kafka, TestDatabase db, @TempDir Path dir) throws IOException {
    smtp = MailServer.start();
    Files.createDirectories(dir.resolve("templates"));
    Files.writeString(
        dir.resolve("templates/welcome.properties"),
        "title=Welcome, {{name}}\n"
            + "content=Hello {{name}}, your account is open.\n"
            + "email.html=<p>Hello <b>{{name}}</b>, your account is open.</p>\n");
    harness = new CenterHarness(kafka, db.jdbcUrl(), db.user(), db.password(), dir);
    harness.channel("email", settings(smtp.channelSettings()));
    harness.set("channel.webhook.enabled", "false");
    harness.set("route.account.opened.channels", "email,webhook");
    harness.set("route.statement.ready.channels", "email");
    harness.start();
  }

  static Map<String, String> settings(Map<String, String> server) {
    Map<String, String> s = new HashMap<>(server);
    s.put("timeout", "5s");
    return s;
  }

  @AfterAll
  void stop() {
    harness.close();
    smtp.close();
  }

  private static Notification statement(String email) {
    return Notification.builder()
        .bizType("statement.ready")
        .recipient(Recipient.builder().userId("u-7").email(email).build())
        .title("Your statement is ready")
        .content("Your November statement is ready.")
        .build();
  }

  @Test
  void an_email_is_delivered_and_recorded_sent_with_the_delivery_id_as_message_id()
      throws Exception {
    Notification n = statement("bob@example.com");
    harness.publish(n);

    await().atMost(WAIT).until(() -> "DELIVERED".equals(harness.messageStatus(n.messageId())));
    Map<String, Object> d = harness.deliveries(n.messageId()).get(0);
    assertThat(d).containsEntry("channel", "email").containsEntry("status", "SENT");
    List<MimeMessage> received = smtp.receivedBy("bob@example.com");
    assertThat(received).hasSize(1);
    assertThat(received.get(0).getMessageID())
        .isEqualTo("<" + CenterHarness.uuid((String) d.get("id")) + "@bank.example>");
    assertThat(received.get(0).getSubject()).isEqualTo("Your statement is ready");
    assertThat((String) harness.attempts((String) d.get("id")).get(0).get("provider_receipt"))
        .startsWith("250");
  }

  @Test
  void a_template_with_html_sends_both_bodies_and_a_disabled_channel_is_skipped() throws Exception {
    Notification n =
        Notification.builder()
            .bizType("account.opened")
            .recipient(
                Recipient.builder()
                    .userId("u-8")
                    .email("carol@example.com")
                    .webhookUrl("http://127.0.0.1:1/hook")
                    .build())
            .template("welcome")
            .params(Map.of("name", "Carol & <Co>"))
            .build();
    harness.publish(n);

    await().atMost(WAIT).until(() -> "DELIVERED".equals(harness.messageStatus(n.messageId())));
    Map<String, Map<String, Object>> d = harness.byChannel(n.messageId());
    assertThat(d.get("email")).containsEntry("status", "SENT");
    assertThat(d.get("webhook"))
        .containsEntry("status", "SKIPPED")
        .containsEntry("last_error", "channel webhook is disabled (channel.webhook.enabled=false)");
    MimeMessage m = smtp.receivedBy("carol@example.com").get(0);
    assertThat(m.getSubject()).isEqualTo("Welcome, Carol & <Co>");
    MimeMultipart parts = (MimeMultipart) m.getContent();
    assertThat(((String) parts.getBodyPart(0).getContent()).strip())
        .isEqualTo("Hello Carol & <Co>, your account is open.");
    assertThat((String) parts.getBodyPart(1).getContent())
        .contains("<b>Carol &amp; &lt;Co&gt;</b>");
  }

  @Test
  void an_address_the_server_refuses_is_dead_after_one_attempt() {
    Notification n = statement("nobody@example.com");
    harness.publish(n);

    await().atMost(WAIT).until(() -> "FAILED".equals(harness.messageStatus(n.messageId())));
    Map<String, Object> d = harness.deliveries(n.messageId()).get(0);
    assertThat(d).containsEntry("status", "DEAD").containsEntry("attempts", 1);
    assertThat((String) d.get("last_error")).contains("550 5.1.1");
  }

  @Test
  void a_greylisted_address_is_retrying_with_a_due_time() {
    Notification n = statement("later@example.com");
    harness.publish(n);

    await().atMost(WAIT).until(() -> harness.settled(n.messageId()));
    Map<String, Object> d = harness.deliveries(n.messageId()).get(0);
    assertThat(d).containsEntry("status", "RETRYING");
    assertThat((String) d.get("last_error")).contains("451");
    assertThat(d.get("next_attempt_at")).isNotNull();
  }

  @Test
  void with_wrong_credentials_deliveries_are_retrying_and_go_out_once_they_are_fixed(
      EmbeddedKafka kafka, TestDatabase db, @TempDir Path dir) {
    try (CenterHarness wrong =
        new CenterHarness(kafka, db.jdbcUrl(), db.user(), db.password(), dir)) {
      Map<String, String> s = settings(smtp.channelSettings());
      s.put("password", "not-the-password");
      s.put("retry.initialBackoff", "1s");
      s.put("retry.maxBackoff", "1s");
      wrong.channel("email", s).set("route.statement.ready.channels", "email");
      wrong.set("poller.interval", "200ms");
      wrong.start();
      Notification n = statement("dave@example.com");
      wrong.publish(n);

      await().atMost(WAIT).until(() -> wrong.settled(n.messageId()));
      Map<String, Object> d = wrong.deliveries(n.messageId()).get(0);
      assertThat(d).containsEntry("status", "RETRYING");
      assertThat((String) d.get("last_error"))
          .contains("refused the credentials")
          .doesNotContain("not-the-password");

      // The operator fixes the password and restarts: the retry goes out.
      wrong.stopCenter();
      wrong.set("channel.email.password", MailServer.PASSWORD);
      wrong.start();
      await().atMost(WAIT).until(() -> "DELIVERED".equals(wrong.messageStatus(n.messageId())));
      assertThat(smtp.receivedBy("dave@example.com")).hasSize(1);
    }
  }
}
