package org.msgcenter.center.channel.email;

import java.util.List;
import java.util.Map;
import org.msgcenter.api.Recipient;
import org.msgcenter.center.channel.Channel;
import org.msgcenter.center.channel.ChannelContext;
import org.msgcenter.center.channel.ChannelProvider;

/**
 * The {@code email} channel: one message per delivery through an SMTP server, with Jakarta Mail.
 *
 * <p><b>Address.</b> The recipient's {@code email}; without one the delivery is skipped.
 *
 * <p><b>Off until configured.</b> {@code channel.email.enabled} defaults to {@code false}: the
 * channel needs a server. Settings are described on {@link EmailSettings} and in {@code
 * docs/channels.md}.
 *
 * <p><b>Message.</b> Subject: the rendered title (else the content's first line). Body: the
 * rendered content as text/plain, or, when the template has an {@code html} key, multipart/
 * alternative with the HTML after the plain text. {@code Message-ID: <deliveryId@domain>}: the same
 * on every attempt, so a resend after a crash is recognisable as the same message.
 *
 * <p><b>Outcomes.</b> Accepted by the server: sent, receipt = the server's reply to the data. SMTP
 * 4xx: retryable. SMTP 5xx: permanent (the address or the message refused). Connection failures and
 * timeouts: retryable. Refused credentials: retryable (the server refused the center, not the
 * address: the circuit breaker opens and alerts, and the deliveries go out once the credentials are
 * fixed).
 */
public final class EmailChannelProvider implements ChannelProvider {
  /** The channel's name. */
  public static final String NAME = "email";

  /**
   * Off by default; a slow, blocking protocol: more threads, a longer timeout, and retries spread
   * over hours, since mail servers greylist and recover slowly.
   */
  static final Map<String, String> DEFAULTS =
      Map.of(
          "enabled", "false",
          "capacity", "32",
          "threads", "8",
          "timeout", "30s",
          "retry.maxAttempts", "6",
          "retry.initialBackoff", "30s",
          "retry.maxBackoff", "1h");

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
    return recipient.email().filter(e -> !e.isBlank()).map(List::of).orElse(List.of());
  }

  @Override
  public Channel create(ChannelContext context) {
    return new EmailChannel(EmailSettings.from(context), context.clock());
  }
}
