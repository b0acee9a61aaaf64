package org.msgcenter.center.channel.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.msgcenter.center.channel.Addresses;

/**
 * Keeps a webhook from being pointed at the center's own network (server-side request forgery): a
 * producer that can choose the URL must not be able to make the center call its admin ports, a
 * database, or the cloud metadata service that hands out credentials.
 *
 * <p>Two checks: {@link #parseTarget} allows only absolute {@code http} and {@code https} URLs with
 * a host; {@link #refusedRange} names the range an address falls in when it is not a public unicast
 * address. The channel resolves the host and checks every address before it connects. Redirects are
 * never followed, so a public target cannot bounce the request inward.
 *
 * <p>Limit: the HTTP client resolves the host again when it connects, so a DNS server that answers
 * a public address to the check and a private one a moment later (DNS rebinding) is not stopped
 * here; {@code java.net.http} offers no way to connect to an address resolved beforehand. Where
 * that matters, deny the center's hosts egress to private ranges in the network itself.
 */
public final class SsrfGuard {

  private SsrfGuard() {}

  /** A target that must not be called; the message is the reason, safe to log. */
  public static final class RefusedTarget extends Exception {
    private static final long serialVersionUID = 1L;

    RefusedTarget(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * The URL as a URI, when it is an absolute {@code http} or {@code https} URL with a host and no
   * user info.
   *
   * @throws RefusedTarget saying what is wrong, with the URL masked
   */
  public static URI parseTarget(String url) throws RefusedTarget {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new RefusedTarget("not a valid URL: " + Addresses.maskUrl(url));
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new RefusedTarget(
          "unsupported scheme '"
              + (scheme.isEmpty() ? "none" : scheme)
              + "' in "
              + Addresses.maskUrl(url)
              + ": only http and https");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new RefusedTarget("no host in " + Addresses.maskUrl(url));
    }
    if (uri.getRawUserInfo() != null) {
      throw new RefusedTarget(
          "user info in "
              + Addresses.maskUrl(url)
              + " is not supported: webhooks are signed instead");
    }
    return uri;
  }

  /**
   * The range {@code address} falls in when it is not a public unicast address, described for a
   * reason ("a loopback address (127.0.0.0/8, ::1)"); empty when it may be called.
   */
  public static Optional<String> refusedRange(InetAddress address) {
    if (address instanceof Inet4Address) {
      return refusedV4(address.getAddress());
    }
    if (address instanceof Inet6Address) {
      return refusedV6(address.getAddress());
    }
    return Optional.of("an address of unknown type");
  }

  private static Optional<String> refusedV4(byte[] a) {
    int b0 = a[0] & 0xff;
    int b1 = a[1] & 0xff;
    if (b0 == 0) {
      return Optional.of("an any-local address (0.0.0.0/8)");
    }
    if (b0 == 127) {
      return Optional.of("a loopback address (127.0.0.0/8)");
    }
    if (b0 == 169 && b1 == 254) {
      return Optional.of(
          "a link-local address (169.254.0.0/16, which holds the cloud metadata service)");
    }
    if (b0 == 10 || (b0 == 172 && (b1 & 0xf0) == 16) || (b0 == 192 && b1 == 168)) {
      return Optional.of("a private address (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)");
    }
    if (b0 == 100 && (b1 & 0xc0) == 64) {
      return Optional.of("a shared (CGNAT) address (100.64.0.0/10)");
    }
    if (b0 >= 224 && b0 <= 239) {
      return Optional.of("a multicast address (224.0.0.0/4)");
    }
    if (b0 >= 240) {
      return Optional.of("a reserved or broadcast address (240.0.0.0/4)");
    }
    return Optional.empty();
  }

  private static Optional<String> refusedV6(byte[] a) {
    boolean firstTenZero = isZero(a, 0, 10);
    if (firstTenZero && isZero(a, 10, 16)) {
      return Optional.of("an any-local address (::)");
    }
    if (firstTenZero && isZero(a, 10, 15) && a[15] == 1) {
      return Optional.of("a loopback address (::1)");
    }
    // IPv4 inside IPv6 (mapped ::ffff:0:0/96, compatible ::/96, NAT64 64:ff9b::/96) reaches the
    // IPv4 address, so the IPv4 rules apply to it.
    boolean mapped = firstTenZero && (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff;
    boolean compatible = firstTenZero && a[10] == 0 && a[11] == 0;
    boolean nat64 =
        a[0] == 0
            && a[1] == 0x64
            && (a[2] & 0xff) == 0xff
            && (a[3] & 0xff) == 0x9b
            && isZero(a, 4, 12);
    if (mapped || compatible || nat64) {
      return refusedV4(Arrays.copyOfRange(a, 12, 16))
          .map(range -> range + ", inside an IPv6 address");
    }
    int b0 = a[0] & 0xff;
    int b1 = a[1] & 0xff;
    if (b0 == 0xfe && (b1 & 0xc0) == 0x80) {
      return Optional.of("a link-local address (fe80::/10)");
    }
    if (b0 == 0xfe && (b1 & 0xc0) == 0xc0) {
      return Optional.of("a site-local address (fec0::/10)");
    }
    if ((b0 & 0xfe) == 0xfc) {
      return Optional.of("a unique-local address (fc00::/7)");
    }
    if (b0 == 0xff) {
      return Optional.of("a multicast address (ff00::/8)");
    }
    return Optional.empty();
  }

  private static boolean isZero(byte[] a, int from, int to) {
    for (int i = from; i < to; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
