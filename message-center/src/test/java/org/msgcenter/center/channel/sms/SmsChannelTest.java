package org.msgcenter.center.channel.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.msgcenter.center.peers.SmsGateway;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmsChannelTest {
  private SmsGateway gateway;
  private Channel channel;

  @BeforeAll
  void start() {
    gateway =
        new SmsGateway().throttle("+8613800000429").fail("+8613800000500").stall("+8613800000408");
    channel =
        new SmsChannelProvider()
            .create(context(gateway.channelSettings()).with("timeout", "500ms"));
  }

  @AfterAll
  void stop() {
    channel.close();
    gateway.close();
  }

  private static TestChannelContext context(Map<String, String> settings) {
    TestChannelContext c = new TestChannelContext("sms");
    settings.forEach(c::with);
    return c;
  }

  private ChannelOutcome send(Channel ch, String phone) {
    return send(ch, TestDeliveries.aFreshDelivery("sms", phone));
  }

  private ChannelOutcome send(Channel ch, OutboundDelivery d) {
    return ch.send(d).toCompletableFuture().join();
  }

  @Test
  void an_accepted_text_is_sent_with_the_gateway_receipt_and_the_delivery_id_as_out_id() {
    OutboundDelivery d = TestDeliveries.aFreshDelivery("sms", "+8613800138000");
    ChannelOutcome outcome = send(channel, d);

    assertThat(outcome).isInstanceOf(Sent.class);
    SmsGateway.Text text = gateway.sentTo("+8613800138000").get(0);
    assertThat(((Sent) outcome).receipt()).isEqualTo(text.bizId());
    assertThat(text.outId()).isEqualTo(d.deliveryId());
    assertThat(text.signName()).isEqualTo("Bank");
    assertThat(text.templateCode()).isEqualTo("SMS_0001");
    assertThat(text.content()).isEqualTo("Your transfer of 120.00 CNY arrived.");
  }

  @Test
  void a_retried_delivery_is_texted_once_thanks_to_the_idempotency_key() {
    OutboundDelivery d = TestDeliveries.aFreshDelivery("sms", "+8613800138001");
    ChannelOutcome first = send(channel, d);
    ChannelOutcome second = send(channel, d);

    assertThat(second).isEqualTo(first);
    assertThat(gateway.sentTo("+8613800138001")).hasSize(1);
  }

  @Test
  void throttled_is_retryable_with_the_gateways_retry_after() {
    ChannelOutcome outcome = send(channel, "+8613800000429");

    assertThat(outcome).isInstanceOf(RetryableFailure.class);
    assertThat(((RetryableFailure) outcome).reason()).contains("THROTTLED");
    assertThat(((RetryableFailure) outcome).retryAfter()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void an_invalid_number_is_a_permanent_failure() {
    ChannelOutcome outcome = send(channel, "12-not-a-phone");

    assertThat(outcome).isInstanceOf(PermanentFailure.class);
    assertThat(((PermanentFailure) outcome).reason()).contains("HTTP 400, INVALID_NUMBER");
  }

  @Test
  void a_gateway_error_500_is_retryable() {
    ChannelOutcome outcome = send(channel, "+8613800000500");

    assertThat(outcome).isInstanceOf(RetryableFailure.class);
    assertThat(((RetryableFailure) outcome).reason()).contains("HTTP 500, SYSTEM_ERROR");
  }

  @Test
  void no_answer_within_the_timeout_is_retryable() {
    long start = System.nanoTime();
    ChannelOutcome outcome = send(channel, "+8613800000408");

    assertThat(outcome).isInstanceOf(RetryableFailure.class);
    assertThat(((RetryableFailure) outcome).reason())
        .contains("no answer from SMS gateway http://127.0.0.1");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void a_refused_signature_is_retryable_and_names_the_settings_not_the_secret() {
    try (Channel wrong =
        new SmsChannelProvider()
            .create(context(gateway.channelSettings()).with("accessKeySecret", "wrong-s3cret"))) {
      ChannelOutcome outcome = send(wrong, "+8613800138002");

      assertThat(outcome).isInstanceOf(RetryableFailure.class);
      assertThat(((RetryableFailure) outcome).reason())
          .contains("SIGNATURE_MISMATCH")
          .contains("channel.sms.accessKeySecret")
          .doesNotContain("wrong-s3cret");
      assertThat(gateway.sentTo("+8613800138002")).isEmpty();
    }
  }

  @Test
  void a_gateway_that_is_not_there_is_retryable() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    try (Channel ch =
        new SmsChannelProvider()
            .create(
                context(gateway.channelSettings())
                    .with("url", "http://127.0.0.1:" + closed + "/sms/send?token=abc"))) {
      ChannelOutcome outcome = send(ch, "+8613800138003");

      assertThat(outcome).isInstanceOf(RetryableFailure.class);
      assertThat(((RetryableFailure) outcome).reason())
          .startsWith("cannot connect to SMS gateway http://127.0.0.1:" + closed + "/***")
          .doesNotContain("token=abc");
    }
  }

  @Test
  void settings_are_checked_and_the_secret_never_shown() {
    assertThatThrownBy(() -> SmsSettings.from(context(Map.of("url", "ftp://sms.example/send"))))
        .hasMessageContaining("channel.sms.url")
        .hasMessageContaining("http or https");
    assertThatThrownBy(() -> SmsSettings.from(context(Map.of("url", "https://sms.example/send"))))
        .hasMessageContaining("accessKeyId");
    SmsSettings s = SmsSettings.from(context(gateway.channelSettings()));
    assertThat(s.toString()).doesNotContain(SmsGateway.SECRET).doesNotContain("/sms/send");
  }
}
