package org.msgcenter.center.channel;

import java.util.List;
import java.util.Map;
import org.msgcenter.api.Recipient;

/**
 * The service-provider interface of channels, found with {@link java.util.ServiceLoader}: a jar
 * that lists an implementation in {@code
 * META-INF/services/org.msgcenter.center.channel.ChannelProvider} adds a channel. Two providers
 * with one name stop the center at start.
 */
public interface ChannelProvider {

  /** The channel's name: lower-case letters, digits and dashes, such as {@code email}. */
  String name();

  /**
   * The addresses one notification is delivered to on this channel: one delivery each. Empty when
   * the recipient has no address for it; the delivery is then recorded SKIPPED with the reason
   * {@code no address for channel <name>}.
   *
   * @param recipient the notification's recipient
   * @param target the route's fixed target for this channel (a webhook URL, IM robot names), or
   *     null when the route sets none
   */
  List<String> addresses(Recipient recipient, String target);

  /**
   * Whether an address carries a secret (a token in a webhook URL) and must be masked in every view
   * and log.
   */
  default boolean addressIsSecret() {
    return false;
  }

  /**
   * Settings this channel has when the configuration does not set them, prefix removed: its own and
   * the keys every channel has ({@code enabled}, {@code capacity}, {@code timeout}, {@code
   * threads}, {@code retry.*}, {@code rateLimit.perSecond}, {@code circuit.*}). The configuration
   * wins key by key. A channel that cannot work without settings of its own (a server to talk to)
   * returns {@code enabled=false}, so a center that does not configure it still starts; its
   * deliveries are then recorded SKIPPED.
   */
  default Map<String, String> defaults() {
    return Map.of();
  }

  /** Makes the channel from its configuration; fails fast naming a bad setting. */
  Channel create(ChannelContext context);
}
