package org.msgcenter.center.delivery;

import java.time.Duration;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.msgcenter.center.config.Settings;

/**
 * How the center drives one channel: its capacity (deliveries in flight), the share of it kept for
 * HIGH priority, its timeout (which sizes leases), its executor and its retry policy. Read from the
 * {@code channel.<name>.*} keys; every key has a default.
 *
 * @param capacity most deliveries in flight at once ({@code capacity}, default 64)
 * @param reservedForHigh capacity only HIGH priority may use ({@code reservedForHigh}, default 8)
 * @param timeout longest a send may take ({@code timeout}, default 10s)
 * @param threads executor threads ({@code threads}, default 4)
 * @param maxAttempts attempts before DEAD ({@code retry.maxAttempts}, default 5)
 * @param initialBackoff wait after the first failure ({@code retry.initialBackoff}, default 2s)
 * @param maxBackoff longest wait between attempts ({@code retry.maxBackoff}, default 10m)
 */
public record ChannelPolicy(
    String channel,
    int capacity,
    int reservedForHigh,
    Duration timeout,
    int threads,
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff) {

  public static ChannelPolicy from(String channel, Map<String, String> settings) {
    Settings s = new Settings("channel." + channel, prefixed(channel, settings));
    String p = "channel." + channel + ".";
    int capacity = s.integer(p + "capacity", 64, 1, 100_000);
    int reserved = s.integer(p + "reservedForHigh", Math.min(8, capacity / 4), 0, capacity - 1);
    Duration initial = s.duration(p + "retry.initialBackoff", Duration.ofSeconds(2));
    Duration max = s.duration(p + "retry.maxBackoff", Duration.ofMinutes(10));
    if (max.compareTo(initial) < 0) {
      throw Settings.error(
          p + "retry.maxBackoff", max.toString(), "must not be shorter than retry.initialBackoff");
    }
    Duration timeout = s.duration(p + "timeout", Duration.ofSeconds(10));
    if (timeout.isZero()) {
      throw Settings.error(p + "timeout", "0", "must be positive");
    }
    return new ChannelPolicy(
        channel,
        capacity,
        reserved,
        timeout,
        s.integer(p + "threads", 4, 1, 512),
        s.integer(p + "retry.maxAttempts", 5, 1, 100),
        initial,
        max);
  }

  private static Map<String, String> prefixed(String channel, Map<String, String> settings) {
    java.util.Map<String, String> out = new java.util.TreeMap<>();
    settings.forEach((k, v) -> out.put("channel." + channel + "." + k, v));
    return out;
  }

  /**
   * The wait before attempt {@code failedAttempt + 1}: exponential from the initial backoff,
   * capped, with "equal jitter" (half fixed, half random) so that failures of one outage do not
   * come back all at once.
   */
  public Duration backoff(int failedAttempt, RandomGenerator random) {
    long initial = initialBackoff.toMillis();
    int shift = Math.min(Math.max(failedAttempt - 1, 0), 30);
    long base = Math.min(maxBackoff.toMillis(), initial << shift);
    long half = base / 2;
    return Duration.ofMillis(half + (half > 0 ? random.nextLong(half + 1) : 0));
  }
}
