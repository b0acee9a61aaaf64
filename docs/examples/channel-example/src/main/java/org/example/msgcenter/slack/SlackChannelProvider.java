package org.example.msgcenter.slack;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.msgcenter.api.Recipient;
import org.msgcenter.center.channel.Channel;
import org.msgcenter.center.channel.ChannelContext;
import org.msgcenter.center.channel.ChannelProvider;

/**
 * A {@code slack} channel: posts notifications to Slack incoming webhooks. Listed in {@code
 * META-INF/services/org.msgcenter.center.channel.ChannelProvider}, which is all the center needs
 * to find it.
 */
public final class SlackChannelProvider implements ChannelProvider {

  @Override
  public String name() {
    return "slack";
  }

  /** A Slack webhook takes about one message a second: little capacity, patient retries. */
  @Override
  public Map<String, String> defaults() {
    return Map.of("capacity", "8", "timeout", "5s", "retry.initialBackoff", "5s");
  }

  /** The route's target is the webhook URL: {@code route.deploy.*.target.slack=https://...}. */
  @Override
  public List<String> addresses(Recipient recipient, String target) {
    return target == null || target.isBlank() ? List.of() : List.of(target);
  }

  /** Webhook URLs are credentials: the center masks them in views and logs. */
  @Override
  public boolean addressIsSecret() {
    return true;
  }

  @Override
  public Channel create(ChannelContext context) {
    Duration timeout = context.durationSetting("timeout", Duration.ofSeconds(5));
    return new SlackChannel(timeout);
  }
}
