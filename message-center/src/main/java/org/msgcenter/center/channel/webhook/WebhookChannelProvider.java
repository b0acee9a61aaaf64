package org.msgcenter.center.channel.webhook;

import java.util.List;
import java.util.Optional;
import org.msgcenter.api.Recipient;
import org.msgcenter.center.channel.Channel;
import org.msgcenter.center.channel.ChannelContext;
import org.msgcenter.center.channel.ChannelProvider;

/**
 * The {@code webhook} channel: a signed HTTP POST of the notification to a URL.
 *
 * <p><b>Address.</b> The recipient's {@code webhookUrl} when it has one, otherwise the route's
 * target for this channel; without either the delivery is skipped. Addresses are secret (URLs carry
 * tokens): views and logs show them as {@code scheme://host[:port]/***}.
 *
 * <p><b>Settings</b> ({@code channel.webhook.*}):
 *
 * <ul>
 *   <li>{@code secret} (required): the HMAC-SHA256 key shared with receivers.
 *   <li>{@code timeout} (default {@code 5s}): limit on connecting and on the whole attempt, address
 *       check included.
 *   <li>{@code allowPrivateTargets} (default {@code false}): allow loopback, private, link-local,
 *       unique-local, CGNAT and multicast addresses. Only for tests and trusted networks.
 *   <li>{@code maxBodyBytes} (default {@code 1024}, at most 65536): how much of a response body is
 *       read; the rest is dropped and the connection closed.
 *   <li>{@code userAgent} (default {@code msgcenter-webhook/1}).
 * </ul>
 *
 * <p><b>Request.</b> {@code POST} with a JSON body {@code {messageId, deliveryId, traceId, bizType,
 * bizId, userId, title, content, data, createdAt, attempt}} and the headers {@code Content-Type:
 * application/json}, {@code Idempotency-Key} (the delivery id, the same on every attempt), {@code
 * X-Msgcenter-Delivery-Id}, {@code X-Msgcenter-Message-Id}, {@code X-Msgcenter-Trace-Id}, {@code
 * X-Msgcenter-Timestamp} (unix seconds) and {@code X-Msgcenter-Signature} ({@code sha256=} and the
 * hex HMAC of timestamp, {@code .}, body; see {@link WebhookSigner}).
 *
 * <p><b>Outcomes.</b> 2xx is sent (receipt: the response's {@code X-Request-Id}, else {@code HTTP
 * <status>}). 408, 429, 5xx, timeouts and connection or DNS failures are retryable, with {@code
 * Retry-After} passed on. Redirects (never followed), other 4xx and refused targets are permanent.
 */
public final class WebhookChannelProvider implements ChannelProvider {
  /** The channel's name. */
  public static final String NAME = "webhook";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<String> addresses(Recipient recipient, String target) {
    return recipient
        .webhookUrl()
        .filter(url -> !url.isBlank())
        .or(() -> Optional.ofNullable(target).filter(t -> !t.isBlank()))
        .map(List::of)
        .orElse(List.of());
  }

  @Override
  public boolean addressIsSecret() {
    return true;
  }

  @Override
  public Channel create(ChannelContext context) {
    return new WebhookChannel(WebhookSettings.from(context), context.clock());
  }
}
