package org.msgcenter.center.channel.push;

import java.util.List;
import java.util.Map;
import org.msgcenter.api.Recipient;
import org.msgcenter.center.channel.Channel;
import org.msgcenter.center.channel.ChannelContext;
import org.msgcenter.center.channel.ChannelProvider;

/**
 * The {@code app-push} channel: a push notification per device through an HTTP push gateway with
 * the Firebase Cloud Messaging HTTP v1 API (FCM itself, or a gateway in front of APNs and the
 * Chinese vendors' push services that speaks it).
 *
 * <p><b>Addresses.</b> The recipient's {@code deviceTokens}: one delivery per token, so each
 * device's outcome is recorded on its own (one uninstalled app does not fail the others). Without
 * tokens the delivery is skipped.
 *
 * <p><b>Off until configured.</b> {@code channel.app-push.enabled} defaults to {@code false}.
 * Settings are described on {@link AppPushSettings}; the request and the answers in {@code
 * docs/channels.md}.
 *
 * <p><b>Outcomes.</b> HTTP 200: sent, receipt = the message {@code name}. {@code UNREGISTERED}
 * (404), {@code INVALID_ARGUMENT} (400), {@code SENDER_ID_MISMATCH} (403): permanent. Quota ({@code
 * QUOTA_EXCEEDED}, {@code RESOURCE_EXHAUSTED}, 429): retryable with {@code Retry-After}. 5xx,
 * timeouts, connection failures: retryable. A refused access token (401): retryable, as a
 * configuration problem the circuit breaker reports.
 */
public final class AppPushChannelProvider implements ChannelProvider {
  /** The channel's name. */
  public static final String NAME = "app-push";

  /** Off by default. Push gateways take high rates: a larger capacity. */
  static final Map<String, String> DEFAULTS =
      Map.of(
          "enabled", "false",
          "capacity", "128",
          "threads", "4",
          "timeout", "5s",
          "retry.maxAttempts", "5",
          "retry.initialBackoff", "2s",
          "retry.maxBackoff", "10m");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Map<String, String> defaults() {
    return DEFAULTS;
  }

  @Override
  public List<String> addresses(Recipient recipient, String target) {
    return recipient.deviceTokens().stream().filter(t -> !t.isBlank()).distinct().toList();
  }

  @Override
  public Channel create(ChannelContext context) {
    return new AppPushChannel(AppPushSettings.from(context), context.clock());
  }
}
