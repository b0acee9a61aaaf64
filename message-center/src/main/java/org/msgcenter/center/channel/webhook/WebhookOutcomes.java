package org.msgcenter.center.channel.webhook;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLException;
import org.msgcenter.center.channel.Addresses;
import org.msgcenter.center.channel.ChannelOutcome;
import org.msgcenter.center.channel.ChannelOutcome.PermanentFailure;
import org.msgcenter.center.channel.ChannelOutcome.RetryableFailure;
import org.msgcenter.center.channel.ChannelOutcome.Sent;

/**
 * Turns an HTTP response or a failure into a {@link ChannelOutcome}. Reasons name the target only
 * masked, and anything quoted from the receiver or the JDK has the URL's path and query removed.
 */
final class WebhookOutcomes {
  /** Longest {@code Retry-After} honoured; a longer one is cut to this. */
  static final Duration MAX_RETRY_AFTER = Duration.ofDays(1);

  private static final int MAX_QUOTE_CHARS = 100;
  private static final int MAX_RECEIPT_CHARS = 128;

  private WebhookOutcomes() {}

  /** The host could not be resolved before connecting. */
  static final class DnsFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DnsFailure(UnknownHostException cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  static ChannelOutcome fromResponse(
      HttpResponse<byte[]> response, URI target, String masked, Clock clock) {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      String receipt =
          response
              .headers()
              .firstValue("X-Request-Id")
              .map(id -> quote(id, target, MAX_RECEIPT_CHARS))
              .filter(id -> !id.isEmpty())
              .orElse("HTTP " + status);
      return new Sent(receipt);
    }
    String what = "HTTP " + status + " from " + masked;
    // 408: the receiver gave up waiting for our request; sending it again can succeed.
    if (status == 429 || status == 408 || status >= 500) {
      return new RetryableFailure(
          what,
          response.headers().firstValue("Retry-After").map(v -> retryAfter(v, clock)).orElse(null));
    }
    if (status >= 300 && status < 400) {
      return new PermanentFailure(what + ": redirects are not followed; configure the final URL");
    }
    String said =
        quote(new String(response.body(), StandardCharsets.UTF_8), target, MAX_QUOTE_CHARS);
    return new PermanentFailure(said.isEmpty() ? what : what + ": " + said);
  }

  static ChannelOutcome fromError(Throwable error, URI target, String masked, Duration timeout) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof DnsFailure
        || e instanceof UnknownHostException
        || e.getCause() instanceof UnresolvedAddressException) {
      return new RetryableFailure("DNS lookup failed for " + masked);
    }
    if (e instanceof HttpConnectTimeoutException) {
      return new RetryableFailure("connect timed out after " + human(timeout) + " to " + masked);
    }
    if (e instanceof HttpTimeoutException || e instanceof CancellationException) {
      return new RetryableFailure("timed out after " + human(timeout) + " waiting for " + masked);
    }
    if (e instanceof ConnectException) {
      return new RetryableFailure("cannot connect to " + masked + detail(e, target));
    }
    if (e instanceof SSLException) {
      return new RetryableFailure("TLS with " + masked + " failed" + detail(e, target));
    }
    if (e instanceof IOException) {
      return new RetryableFailure("connection to " + masked + " failed" + detail(e, target));
    }
    if (e instanceof RejectedExecutionException) {
      return new RetryableFailure("webhook channel is closed");
    }
    if (e instanceof IllegalArgumentException) {
      return new PermanentFailure("cannot send to " + masked + detail(e, target));
    }
    return new RetryableFailure("sending to " + masked + " failed" + detail(e, target));
  }

  /**
   * {@code Retry-After} as delay-seconds or an HTTP date; null when it is neither, so the channel's
   * backoff applies.
   */
  static Duration retryAfter(String value, Clock clock) {
    String v = value.strip();
    if (v.matches("\\d{1,18}")) {
      Duration d = Duration.ofSeconds(Long.parseLong(v));
      return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
    }
    try {
      Duration d =
          Duration.between(
              clock.instant(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
      return d.isNegative()
          ? Duration.ZERO
          : d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** {@code 5s}, {@code 250ms}. */
  static String human(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
  }

  private static String detail(Throwable e, URI target) {
    String message = e.getMessage() == null ? "" : quote(e.getMessage(), target, MAX_QUOTE_CHARS);
    return " (" + e.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message) + ")";
  }

  /**
   * Text from outside (a response body, a header, an exception message) made fit for a reason: one
   * line, at most {@code max} characters, with the target's URL masked and its path, query and user
   * info cut out wherever they appear.
   */
  static String quote(String text, URI target, int max) {
    String s = text.replaceAll("[\\p{Cntrl}\\s]+", " ").strip();
    String full = target.toString();
    s = s.replace(full, Addresses.maskUrl(full));
    for (String secret :
        new String[] {
          target.getRawPath(), target.getPath(),
          target.getRawQuery(), target.getQuery(),
          target.getRawFragment(), target.getRawUserInfo()
        }) {
      if (secret != null && secret.length() > 1) {
        s = s.replace(secret, Addresses.MASK);
      }
    }
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }
}
