package org.msgcenter.center.channel.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.msgcenter.api.Recipient;
import org.msgcenter.center.channel.Channel;
import org.msgcenter.center.channel.ChannelOutcome;
import org.msgcenter.center.channel.ChannelOutcome.PermanentFailure;
import org.msgcenter.center.channel.ChannelOutcome.RetryableFailure;
import org.msgcenter.center.channel.ChannelOutcome.Sent;
import org.msgcenter.center.channel.OutboundDelivery;
import org.msgcenter.center.channel.TestChannelContext;
import org.msgcenter.center.channel.TestDeliveries;
import org.msgcenter.center.peers.PushGateway;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AppPushChannelTest {
  private PushGateway gateway;
  private Channel channel;

  @BeforeAll
  void start() {
    gateway = new PushGateway().unregister("token-uninstalled");
    channel = new AppPushChannelProvider().create(context(gateway.channelSettings()));
  }

  @AfterAll
  void stop() {
    channel.close();
    gateway.close();
  }

  private static TestChannelContext context(Map<String, String> settings) {
    TestChannelContext c = new TestChannelContext("app-push");
    settings.forEach(c::with);
    return c;
  }

  private ChannelOutcome send(Channel ch, OutboundDelivery d) {
    return ch.send(d).toCompletableFuture().join();
  }

  @Test
  void each_device_token_is_its_own_delivery() {
    Recipient r =
        Recipient.builder().userId("u-1").deviceTokens(List.of("phone-a", "tablet-b")).build();
    assertThat(new AppPushChannelProvider().addresses(r, null))
        .containsExactly("phone-a", "tablet-b");
    assertThat(new AppPushChannelProvider().addresses(Recipient.ofUser("u-1"), null)).isEmpty();
  }

  @Test
  void an_accepted_push_is_sent_with_the_message_name_and_carries_the_ids() {
    OutboundDelivery d = TestDeliveries.aFreshDelivery("app-push", "token-ok-1");
    ChannelOutcome outcome = send(channel, d);

    assertThat(outcome).isInstanceOf(Sent.class);
    PushGateway.Push push = gateway.pushedTo("token-ok-1").get(0);
    assertThat(((Sent) outcome).receipt()).isEqualTo(push.name());
    assertThat(push.title()).isEqualTo("Money arrived");
    assertThat(push.body()).isEqualTo("Your transfer of 120.00 CNY arrived.");
    assertThat(push.data().path("deliveryId").asText()).isEqualTo(d.deliveryId());
    assertThat(push.data().path("data").asText()).contains("\"amount\":120.00");
    var sent =
        gateway.requests().stream()
            .filter(q -> q.text().contains(d.deliveryId()))
            .findFirst()
            .orElseThrow()
            .json();
    assertThat(sent.path("message").path("android").path("collapse_key").asText())
        .isEqualTo(d.deliveryId());
  }

  @Test
  void an_unregistered_token_is_a_permanent_failure() {
    ChannelOutcome outcome =
        send(channel, TestDeliveries.aFreshDelivery("app-push", "token-uninstalled"));

    assertThat(outcome).isInstanceOf(PermanentFailure.class);
    assertThat(((PermanentFailure) outcome).reason()).contains("HTTP 404, UNREGISTERED");
  }

  @Test
  void a_malformed_token_is_a_permanent_failure() {
    ChannelOutcome outcome = send(channel, TestDeliveries.aFreshDelivery("app-push", "bad token"));

    assertThat(outcome).isInstanceOf(PermanentFailure.class);
    assertThat(((PermanentFailure) outcome).reason()).contains("INVALID_ARGUMENT");
  }

  @Test
  void an_exhausted_quota_is_retryable_with_the_gateways_retry_after() {
    gateway.exhaustQuota();
    try {
      ChannelOutcome outcome =
          send(channel, TestDeliveries.aFreshDelivery("app-push", "token-ok-2"));

      assertThat(outcome).isInstanceOf(RetryableFailure.class);
      assertThat(((RetryableFailure) outcome).reason()).contains("HTTP 429, QUOTA_EXCEEDED");
      assertThat(((RetryableFailure) outcome).retryAfter()).isEqualTo(Duration.ofSeconds(1));
    } finally {
      gateway.restoreQuota();
    }
  }

  @Test
  void a_refused_access_token_is_retryable_and_never_shown() {
    try (Channel wrong =
        new AppPushChannelProvider()
            .create(context(gateway.channelSettings()).with("accessToken", "ya29.expired"))) {
      ChannelOutcome outcome = send(wrong, TestDeliveries.aFreshDelivery("app-push", "token-ok-3"));

      assertThat(outcome).isInstanceOf(RetryableFailure.class);
      assertThat(((RetryableFailure) outcome).reason())
          .contains("HTTP 401, UNAUTHENTICATED")
          .contains("channel.app-push.accessToken")
          .doesNotContain("ya29.expired");
    }
  }

  @Test
  void settings_are_checked_and_the_token_never_shown() {
    assertThatThrownBy(
            () -> AppPushSettings.from(context(Map.of("url", "https://fcm.example/v1/send"))))
        .hasMessageContaining("channel.app-push.accessToken");
    assertThat(AppPushSettings.from(context(gateway.channelSettings())).toString())
        .doesNotContain(PushGateway.ACCESS_TOKEN);
  }
}
