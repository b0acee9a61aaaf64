package org.msgcenter.center.channel.sms;

import java.util.List;
import java.util.Map;
import org.msgcenter.api.Recipient;
import org.msgcenter.center.channel.Channel;
import org.msgcenter.center.channel.ChannelContext;
import org.msgcenter.center.channel.ChannelProvider;

/**
 * The {@code sms} channel: one signed JSON request per delivery to an HTTP SMS gateway, in the
 * shape of the large Chinese cloud SMS APIs (a sign name, an approved template code, template
 * parameters, an out-id).
 *
 * <p><b>Address.</b> The recipient's {@code phone}; without one the delivery is skipped.
 *
 * <p><b>Off until configured.</b> {@code channel.sms.enabled} defaults to {@code false}. Settings
 * are described on {@link SmsSettings}; the request, its signature and the answers in {@code
 * docs/channels.md}.
 *
 * <p><b>Outcomes.</b> {@code code: OK}: sent, receipt = the gateway's {@code bizId}. {@code
 * THROTTLED} or HTTP 429: retryable, with {@code Retry-After}. {@code INVALID_NUMBER}: permanent.
 * HTTP 5xx, timeouts, connection failures: retryable. Refused credentials (401, 403, {@code
 * SIGNATURE_MISMATCH}, {@code INVALID_ACCESS_KEY}): retryable, as a configuration problem the
 * circuit breaker reports. Any other refusal: permanent, quoting the gateway's code and message.
 */
public final class SmsChannelProvider implements ChannelProvider {
  /** The channel's name. */
  public static final String NAME = "sms";

  /**
   * Off by default. Text messages lose their worth quickly (passcodes expire in minutes), so
   * retries are few and close together.
   */
  static final Map<String, String> DEFAULTS =
      Map.of(
          "enabled", "false",
          "capacity", "64",
          "threads", "4",
          "timeout", "5s",
          "retry.maxAttempts", "4",
          "retry.initialBackoff", "5s",
          "retry.maxBackoff", "5m");

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
    return recipient.phone().filter(p -> !p.isBlank()).map(List::of).orElse(List.of());
  }

  @Override
  public Channel create(ChannelContext context) {
    return new SmsChannel(SmsSettings.from(context), context.clock());
  }
}
