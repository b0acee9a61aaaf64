package org.msgcenter.center.channel.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.msgcenter.center.channel.Addresses;
import org.msgcenter.center.channel.ChannelOutcome;
import org.msgcenter.center.channel.ChannelOutcome.PermanentFailure;
import org.msgcenter.center.channel.ChannelOutcome.RetryableFailure;

/**
 * What gateway channels share in making outcomes: failures to reach a gateway are retryable, the
 * gateway's {@code Retry-After} is honoured, and text quoted from outside never shows a URL's path
 * or query, where tokens live.
 */
public final class GatewayFailures {
  /** Longest {@code Retry-After} honoured; a longer one is cut to this. */
  static final Duration MAX_RETRY_AFTER = Duration.ofDays(1);

  private static final int MAX_QUOTE_CHARS = 200;

  private GatewayFailures() {}

  /**
   * The outcome of an exchange that did not produce an answer: retryable (timeouts, refused or
   * reset connections, DNS and TLS failures, a closed channel), except a request the client refuses
   * to make at all, which is permanent.
   *
   * @param what how reasons name the gateway, masked, e.g. {@code SMS gateway
   *     https://sms.example/***}
   */
  public static ChannelOutcome from(Throwable error, URI target, String what, Duration timeout) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    String human = timeout.toMillis() + " ms";
    if (e instanceof UnknownHostException || e.getCause() instanceof UnresolvedAddressException) {
      return new RetryableFailure("DNS lookup failed for " + what);
    }
    if (e instanceof HttpConnectTimeoutException) {
      return new RetryableFailure("connect to " + what + " timed out after " + human);
    }
    if (e instanceof HttpTimeoutException
        || e instanceof TimeoutException
        || e instanceof CancellationException) {
      return new RetryableFailure("no answer from " + what + " within " + human);
    }
    if (e instanceof ConnectException) {
      return new RetryableFailure("cannot connect to " + what + detail(e, target));
    }
    if (e instanceof SSLException) {
      return new RetryableFailure("TLS with " + what + " failed" + detail(e, target));
    }
    if (e instanceof IOException) {
      return new RetryableFailure("connection to " + what + " failed" + detail(e, target));
    }
    if (e instanceof RejectedExecutionException) {
      return new RetryableFailure("the channel is closed");
    }
    if (e instanceof IllegalArgumentException) {
      return new PermanentFailure("cannot send to " + what + detail(e, target));
    }
    return new RetryableFailure("sending to " + what + " failed" + detail(e, target));
  }

  /** The answer's {@code Retry-After} (seconds or an HTTP date), or null. */
  public static Duration retryAfter(HttpHeaders headers, Clock clock) {
    return headers.firstValue("Retry-After").map(v -> retryAfter(v, clock)).orElse(null);
  }

  static Duration retryAfter(String value, Clock clock) {
    String v = value.strip();
    if (v.matches("\\d{1,18}")) {
      return cap(Duration.ofSeconds(Long.parseLong(v)));
    }
    try {
      Duration d =
          Duration.between(
              clock.instant(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
      return d.isNegative() ? Duration.ZERO : cap(d);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static Duration cap(Duration d) {
    return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
  }

  private static String detail(Throwable e, URI target) {
    String message = e.getMessage() == null ? "" : quote(e.getMessage(), target);
    return " (" + e.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message) + ")";
  }

  /**
   * Text from outside (an answer's body, an exception's message) made fit for a reason: one line,
   * at most 200 characters, the target's path, query and user info cut out wherever they appear.
   */
  public static String quote(String text, URI target) {
    String s = text.replaceAll("[\\p{Cntrl}\\s]+", " ").strip();
    if (target != null) {
      String full = target.toString();
      s = s.replace(full, Addresses.maskUrl(full));
      for (String secret :
          new String[] {
            target.getRawPath(), target.getPath(),
            target.getRawQuery(), target.getQuery(),
            target.getRawUserInfo()
          }) {
        if (secret != null && secret.length() > 1) {
          s = s.replace(secret, Addresses.MASK);
        }
      }
    }
    return s.length() <= MAX_QUOTE_CHARS ? s : s.substring(0, MAX_QUOTE_CHARS) + "...";
  }

  /** A gateway URL from the configuration, checked: absolute http or https with a host. */
  public static URI gatewayUrl(String key, String value) {
    URI uri;
    try {
      uri = new URI(value.strip());
    } catch (java.net.URISyntaxException e) {
      throw new org.msgcenter.center.config.ConfigException(
          key + " = \"" + Addresses.maskUrl(value) + "\" is not a valid URL");
    }
    String scheme =
        uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw new org.msgcenter.center.config.ConfigException(
          key + " = \"" + Addresses.maskUrl(value) + "\" must be an http or https URL with a host");
    }
    return uri;
  }
}
