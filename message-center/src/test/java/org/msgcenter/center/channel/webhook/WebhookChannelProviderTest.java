package org.msgcenter.center.channel.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.msgcenter.api.Recipient;
import org.msgcenter.center.channel.ChannelProvider;
import org.msgcenter.center.channel.TestChannelContext;
import org.msgcenter.center.config.ConfigException;

class WebhookChannelProviderTest {
  private final WebhookChannelProvider provider = new WebhookChannelProvider();

  @Test
  void the_recipients_webhook_url_wins_over_the_route_target() {
    Recipient recipient =
        Recipient.builder().userId("u-1").webhookUrl("https://a.example.com/hook").build();

    assertThat(provider.addresses(recipient, "https://route.example.com/hook"))
        .containsExactly("https://a.example.com/hook");
  }

  @Test
  void the_route_target_is_used_when_the_recipient_has_no_url() {
    assertThat(provider.addresses(Recipient.ofUser("u-1"), "https://route.example.com/hook"))
        .containsExactly("https://route.example.com/hook");
  }

  @Test
  void without_url_or_target_there_is_no_address() {
    assertThat(provider.addresses(Recipient.ofUser("u-1"), null)).isEmpty();
    assertThat(provider.addresses(Recipient.ofUser("u-1"), " ")).isEmpty();
  }

  @Test
  void webhook_addresses_are_secret() {
    assertThat(provider.addressIsSecret()).isTrue();
  }

  @Test
  void the_secret_is_required() {
    assertThatThrownBy(() -> provider.create(new TestChannelContext("webhook")))
        .hasMessageContaining("channel.webhook.secret");
  }

  @Test
  void a_bad_setting_is_named() {
    assertThatThrownBy(
            () ->
                provider.create(
                    new TestChannelContext("webhook")
                        .with("secret", "s")
                        .with("maxBodyBytes", "-1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("channel.webhook.maxBodyBytes");
  }

  @Test
  void the_settings_never_show_the_secret() {
    try (var channel =
        provider.create(new TestChannelContext("webhook").with("secret", "very-secret-value"))) {
      assertThat(channel.toString()).doesNotContain("very-secret-value").contains("timeout=PT5S");
    }
  }

  @Test
  void both_channels_are_found_by_the_service_loader() {
    assertThat(ServiceLoader.load(ChannelProvider.class).stream().map(p -> p.get().name()))
        .contains("webhook", "in-app");
  }

  @Test
  void a_tampered_body_does_not_verify() {
    WebhookSigner signer = new WebhookSigner("k");
    String signature = signer.sign(1700000000L, "{\"a\":1}".getBytes());

    assertThat(signer.verify(signature, 1700000000L, "{\"a\":1}".getBytes())).isTrue();
    assertThat(signer.verify(signature, 1700000000L, "{\"a\":2}".getBytes())).isFalse();
    assertThat(signer.verify(signature, 1700000001L, "{\"a\":1}".getBytes())).isFalse();
  }
}
