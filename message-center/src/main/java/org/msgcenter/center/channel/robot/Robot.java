package org.msgcenter.center.channel.robot;

import java.net.URI;
import org.msgcenter.center.channel.Addresses;

/**
 * One configured group robot.
 *
 * @param name how routes and deliveries name it
 * @param kind whose robot it is
 * @param url its webhook URL, token included; secret
 * @param secret the signing secret (DingTalk "加签", Feishu "签名校验"), or null when the robot is not
 *     signed
 * @param format how notifications are written
 */
record Robot(String name, Kind kind, URI url, String secret, Format format) {

  /** The robot platforms, each with its message format and signing. */
  enum Kind {
    DINGTALK,
    FEISHU,
    WECOM
  }

  /** Plain text, or markdown (the title as a heading, the content as markdown). */
  enum Format {
    TEXT,
    MARKDOWN
  }

  /** The robot as reasons and logs name it: its name and its URL masked. */
  String shown() {
    return "robot " + name + " (" + Addresses.maskUrl(url.toString()) + ")";
  }

  /** Never shows the URL's path and query, nor the secret. */
  @Override
  public String toString() {
    return "Robot{"
        + name
        + ", "
        + kind
        + ", "
        + Addresses.maskUrl(url.toString())
        + ", signed="
        + (secret != null)
        + ", "
        + format
        + "}";
  }
}
