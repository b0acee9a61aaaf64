package org.msgcenter.center.channel.push;

import java.net.URI;
import java.time.Duration;
import org.msgcenter.center.channel.Addresses;
import org.msgcenter.center.channel.ChannelContext;
import org.msgcenter.center.channel.internal.GatewayFailures;
import org.msgcenter.center.config.ConfigException;

/**
 * The app push channel's settings ({@code channel.app-push.*}), read and checked once when the
 * channel is made.
 *
 * @param url the gateway's send endpoint ({@code url}, required), for FCM {@code
 *     https://fcm.googleapis.com/v1/projects/<project>/messages:send}
 * @param accessToken the OAuth 2.0 bearer token sent as {@code Authorization: Bearer} ({@code
 *     accessToken}, required; never logged). Tokens that expire must be renewed outside the center
 *     (an environment override and a restart, or a gateway that holds the service account)
 * @param timeout limit on connecting and on the whole request ({@code timeout}, default 5s)
 * @param threads threads of the channel's HTTP client ({@code threads}, default 4)
 */
record AppPushSettings(URI url, String accessToken, Duration timeout, int threads) {

  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  static final int DEFAULT_THREADS = 4;

  static AppPushSettings from(ChannelContext c) {
    URI url = GatewayFailures.gatewayUrl("channel.app-push.url", c.requireSetting("url"));
    String token = c.requireSetting("accessToken").strip();
    if (!token.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f)) {
      throw new ConfigException(
          "channel.app-push.accessToken must be printable ASCII without spaces");
    }
    Duration timeout = c.durationSetting("timeout", DEFAULT_TIMEOUT);
    if (timeout.isZero() || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
      throw new ConfigException(
          "channel.app-push.timeout = \"" + timeout + "\" must be between 1ms and 5m");
    }
    int threads = c.intSetting("threads", DEFAULT_THREADS);
    if (threads < 1 || threads > 256) {
      throw new ConfigException(
          "channel.app-push.threads = \"" + threads + "\" must be between 1 and 256");
    }
    return new AppPushSettings(url, token, timeout, threads);
  }

  /** Never shows the token, nor the URL's path. */
  @Override
  public String toString() {
    return "AppPushSettings{url="
        + Addresses.maskUrl(url.toString())
        + ", accessToken=***, timeout="
        + timeout
        + ", threads="
        + threads
        + "}";
  }
}
