package org.msgcenter.center.channel.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.msgcenter.center.channel.Channel;
import org.msgcenter.center.channel.ChannelOutcome;
import org.msgcenter.center.channel.ChannelOutcome.PermanentFailure;
import org.msgcenter.center.channel.ChannelOutcome.RetryableFailure;
import org.msgcenter.center.channel.ChannelOutcome.Sent;
import org.msgcenter.center.channel.OutboundDelivery;
import org.msgcenter.center.channel.TestChannelContext;
import org.msgcenter.center.channel.TestDeliveries;
import org.msgcenter.center.config.ConfigException;
import org.msgcenter.center.peers.MailServer;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmailChannelTest {
  private MailServer smtp;

  @BeforeAll
  void start() {
    smtp = MailServer.start();
  }

  @AfterAll
  void stop() {
    smtp.close();
  }

  private static TestChannelContext context(Map<String, String> settings) {
    TestChannelContext c = new TestChannelContext("email").with("timeout", "5s");
    settings.forEach(c::with);
    return c;
  }

  private ChannelOutcome send(TestChannelContext context, OutboundDelivery d) {
    try (Channel channel = new EmailChannelProvider().create(context)) {
      return channel.send(d).toCompletableFuture().join();
    }
  }

  private static OutboundDelivery to(String address) {
    return TestDeliveries.aDelivery("email", address);
  }

  @Test
  void a_message_arrives_with_the_delivery_id_as_message_id_and_the_server_reply_as_receipt()
      throws Exception {
    ChannelOutcome outcome = send(context(smtp.channelSettings()), to("bob@example.com"));

    assertThat(outcome).isInstanceOf(Sent.class);
    assertThat(((Sent) outcome).receipt()).startsWith("250");
    MimeMessage m = smtp.receivedBy("bob@example.com").get(0);
    assertThat(m.getMessageID()).isEqualTo("<" + TestDeliveries.DELIVERY_ID + "@bank.example>");
    assertThat(m.getSubject()).isEqualTo("Money arrived");
    assertThat(m.getFrom()[0].toString()).isEqualTo("Bank <no-reply@bank.example>");
    assertThat(m.getHeader("X-Msgcenter-Message-Id")[0]).isEqualTo(TestDeliveries.MESSAGE_ID);
    assertThat(m.getContentType()).startsWith("text/plain");
    assertThat(((String) m.getContent()).strip()).isEqualTo("Your transfer of 120.00 CNY arrived.");
  }

  @Test
  void an_html_body_goes_with_the_plain_text_as_its_alternative() throws Exception {
    OutboundDelivery d = to("carol@example.com");
    OutboundDelivery html =
        new OutboundDelivery(
            d.deliveryId(),
            d.messageId(),
            d.traceId(),
            d.bizType(),
            d.bizId(),
            d.userId(),
            d.channel(),
            d.address(),
            d.title(),
            d.content(),
            "<p>Your transfer of <b>120.00 CNY</b> arrived.</p>",
            d.data(),
            d.createdAt(),
            1);

    assertThat(send(context(smtp.channelSettings()), html)).isInstanceOf(Sent.class);

    MimeMessage m = smtp.receivedBy("carol@example.com").get(0);
    MimeMultipart parts = (MimeMultipart) m.getContent();
    assertThat(parts.getContentType()).startsWith("multipart/alternative");
    assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
    assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
    assertThat((String) parts.getBodyPart(1).getContent()).contains("<b>120.00 CNY</b>");
  }

  @Test
  void a_mailbox_the_server_refuses_with_550_is_a_permanent_failure() {
    ChannelOutcome outcome = send(context(smtp.channelSettings()), to("nobody@example.com"));

    assertThat(outcome).isInstanceOf(PermanentFailure.class);
    assertThat(((PermanentFailure) outcome).reason())
        .contains("nobody@example.com")
        .contains("550 5.1.1");
  }

  @Test
  void a_greylisted_mailbox_451_is_a_retryable_failure() {
    ChannelOutcome outcome = send(context(smtp.channelSettings()), to("later@example.com"));

    assertThat(outcome).isInstanceOf(RetryableFailure.class);
    assertThat(((RetryableFailure) outcome).reason()).contains("451 4.7.1");
  }

  @Test
  void refused_credentials_are_retryable_and_name_the_settings_but_not_the_password() {
    TestChannelContext c = context(smtp.channelSettings()).with("password", "wrong-password");

    ChannelOutcome outcome = send(c, to("dave@example.com"));

    assertThat(outcome).isInstanceOf(RetryableFailure.class);
    assertThat(((RetryableFailure) outcome).reason())
        .contains("refused the credentials of mailer")
        .contains("channel.email.password")
        .doesNotContain("wrong-password");
    assertThat(smtp.receivedBy("dave@example.com")).isEmpty();
  }

  @Test
  void a_server_that_is_not_there_is_a_retryable_failure() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    ChannelOutcome outcome =
        send(
            context(smtp.channelSettings()).with("port", Integer.toString(closedPort)),
            to("e@example.com"));

    assertThat(outcome).isInstanceOf(RetryableFailure.class);
    assertThat(((RetryableFailure) outcome).reason())
        .contains("cannot connect to SMTP server 127.0.0.1:" + closedPort);
  }

  @Test
  void a_server_that_never_answers_is_retryable_within_the_timeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0)) {
      TestChannelContext c =
          context(smtp.channelSettings())
              .with("port", Integer.toString(silent.getLocalPort()))
              .with("timeout", "300ms");
      long start = System.nanoTime();
      ChannelOutcome outcome = send(c, to("f@example.com"));

      assertThat(outcome).isInstanceOf(RetryableFailure.class);
      assertThat(((RetryableFailure) outcome).reason()).contains("no answer from SMTP server");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void not_an_email_address_is_a_permanent_failure_without_calling_the_server() {
    ChannelOutcome outcome = send(context(smtp.channelSettings()), to("not an address"));

    assertThat(outcome).isInstanceOf(PermanentFailure.class);
    assertThat(((PermanentFailure) outcome).reason()).startsWith("not an email address");
  }

  @Test
  void over_tls_the_message_arrives() {
    try (MailServer smtps = MailServer.startTls()) {
      assertThat(send(context(smtps.channelSettings()), to("grace@example.com")))
          .isInstanceOf(Sent.class);
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> !smtps.receivedBy("grace@example.com").isEmpty());
    }
  }

  @Test
  void settings_are_checked_when_the_channel_is_made() {
    assertThatThrownBy(() -> EmailSettings.from(context(Map.of("from", "a@b.example"))))
        .hasMessageContaining("host");
    assertThatThrownBy(
            () -> EmailSettings.from(context(Map.of("host", "smtp.example", "from", "nobody"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("channel.email.from = \"nobody\"");
    assertThatThrownBy(
            () ->
                EmailSettings.from(
                    context(
                        Map.of("host", "smtp.example", "from", "a@b.example", "security", "ssl"))))
        .hasMessageContaining("channel.email.security = \"ssl\" must be none, starttls or tls");
    assertThatThrownBy(
            () ->
                EmailSettings.from(
                    context(
                        Map.of("host", "smtp.example", "from", "a@b.example", "username", "u"))))
        .hasMessageContaining("channel.email.password");
    EmailSettings s =
        EmailSettings.from(
            context(
                Map.of(
                    "host",
                    "smtp.example",
                    "from",
                    "a@b.example",
                    "username",
                    "u",
                    "password",
                    "pw-123")));
    assertThat(s.port()).isEqualTo(587);
    assertThat(s.toString()).doesNotContain("pw-123");
  }
}
