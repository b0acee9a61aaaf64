package org.msgcenter.center.channel.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs webhook requests: {@code sha256=} followed by the lower-case hex HMAC-SHA256, keyed with
 * the UTF-8 bytes of the secret, of the timestamp in decimal unix seconds, a dot, and the exact
 * request body bytes.
 *
 * <p>The timestamp is signed so a receiver can refuse a captured request replayed later: it checks
 * the signature, then that the timestamp is within a few minutes of its own clock. Thread-safe.
 */
public final class WebhookSigner {
  /** The prefix of the signature header's value. */
  public static final String PREFIX = "sha256=";

  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;

  /**
   * A keyed MAC per thread: {@code Mac.getInstance} looks the algorithm up among the security
   * providers, a cost per request; {@code doFinal} leaves a MAC ready for the next message.
   */
  private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

  /**
   * @param secret the shared secret; not blank
   */
  public WebhookSigner(String secret) {
    Objects.requireNonNull(secret, "secret");
    if (secret.isBlank()) {
      throw new IllegalArgumentException("secret must not be blank");
    }
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
  }

  /** The signature header's value for a request sent at {@code timestampSeconds}. */
  public String sign(long timestampSeconds, byte[] body) {
    return PREFIX + HexFormat.of().formatHex(mac(timestampSeconds, body));
  }

  /**
   * Whether {@code signatureHeader} is this signer's signature of the body at that timestamp,
   * compared in constant time. The caller still checks that the timestamp is recent.
   */
  public boolean verify(String signatureHeader, long timestampSeconds, byte[] body) {
    if (signatureHeader == null || !signatureHeader.startsWith(PREFIX)) {
      return false;
    }
    byte[] expected = sign(timestampSeconds, body).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, signatureHeader.getBytes(StandardCharsets.US_ASCII));
  }

  private byte[] mac(long timestampSeconds, byte[] body) {
    Mac mac = macs.get();
    mac.update((timestampSeconds + ".").getBytes(StandardCharsets.US_ASCII));
    return mac.doFinal(body);
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  /** Never shows the secret. */
  @Override
  public String toString() {
    return "WebhookSigner{HmacSHA256, secret=***}";
  }
}
