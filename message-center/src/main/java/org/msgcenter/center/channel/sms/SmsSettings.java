package org.msgcenter.center.channel.sms;

import java.net.URI;
import java.time.Duration;
import org.msgcenter.center.channel.Addresses;
import org.msgcenter.center.channel.ChannelContext;
import org.msgcenter.center.channel.internal.GatewayFailures;
import org.msgcenter.center.config.ConfigException;

/**
 * The SMS channel's settings ({@code channel.sms.*}), read and checked once when the channel is
 * made.
 *
 * @param url the gateway's send endpoint ({@code url}, required, http or https)
 * @param accessKeyId who the center is to the gateway ({@code accessKeyId}, required)
 * @param accessKeySecret the key that signs every request ({@code accessKeySecret}, required; never
 *     logged)
 * @param signName the approved signature shown in front of each text, such as {@code Bank} ({@code
 *     signName}, required)
 * @param templateCode the approved gateway template the rendered content is sent through ({@code
 *     templateCode}, required); its one variable is {@code content}
 * @param timeout limit on connecting and on the whole request ({@code timeout}, default 5s)
 * @param threads threads of the channel's HTTP client ({@code threads}, default 4)
 */
record SmsSettings(
    URI url,
    String accessKeyId,
    String accessKeySecret,
    String signName,
    String templateCode,
    Duration timeout,
    int threads) {

  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  static final int DEFAULT_THREADS = 4;

  static SmsSettings from(ChannelContext c) {
    URI url = GatewayFailures.gatewayUrl("channel.sms.url", c.requireSetting("url"));
    String keyId = c.requireSetting("accessKeyId").strip();
    String secret = c.requireSetting("accessKeySecret");
    String signName = c.requireSetting("signName").strip();
    String templateCode = c.requireSetting("templateCode").strip();
    Duration timeout = c.durationSetting("timeout", DEFAULT_TIMEOUT);
    if (timeout.isZero() || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
      throw invalid("timeout", timeout.toString(), "must be between 1ms and 5m");
    }
    int threads = c.intSetting("threads", DEFAULT_THREADS);
    if (threads < 1 || threads > 256) {
      throw invalid("threads", Integer.toString(threads), "must be between 1 and 256");
    }
    return new SmsSettings(url, keyId, secret, signName, templateCode, timeout, threads);
  }

  private static ConfigException invalid(String key, String value, String rule) {
    return new ConfigException("channel.sms." + key + " = \"" + value + "\" " + rule);
  }

  /** Never shows the secret, nor the URL's path. */
  @Override
  public String toString() {
    return "SmsSettings{url="
        + Addresses.maskUrl(url.toString())
        + ", accessKeyId="
        + accessKeyId
        + ", accessKeySecret=***, signName="
        + signName
        + ", templateCode="
        + templateCode
        + ", timeout="
        + timeout
        + "}";
  }
}
