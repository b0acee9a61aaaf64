package org.msgcenter.center.delivery;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.msgcenter.center.config.Settings;

/**
 * How the center drives one channel: its capacity (deliveries in flight), the share of it kept for
 * HIGH priority, how many leased deliveries may wait for a send slot, its timeout (which sizes
 * leases), its executor and its retry policy. Read from the {@code channel.<name>.*} keys; every
 * key has a default.
 *
 * @param capacity most deliveries in flight at once ({@code capacity}, default 64)
 * @param reservedForHigh capacity only HIGH priority may use ({@code reservedForHigh}, default 8)
 * @param queueWait leased deliveries may wait in the instance for a send slot as long as the
 *     channel, at its recent pace, starts them within this time ({@code queueWait}, default 1s; 0:
 *     none wait, a delivery finding no free slot is stored PENDING)
 * @param queueLimit most leased deliveries waiting for a send slot ({@code queueLimit}, default
 *     2048)
 * @param timeout longest a send may take ({@code timeout}, default 10s)
 * @param threads executor threads ({@code threads}, default 4)
 * @param maxAttempts attempts before DEAD ({@code retry.maxAttempts}, default 5)
 * @param initialBackoff wait after the first failure ({@code retry.initialBackoff}, default 2s)
 * @param maxBackoff longest wait between attempts ({@code retry.maxBackoff}, default 10m)
 * @param ratePerSecond sends per second at most ({@code rateLimit.perSecond}, default 0: no limit)
 * @param circuit the circuit breaker's settings ({@code circuit.*})
 * @param endpoints provider endpoints with a circuit breaker and rate limit of their own ({@code
 *     endpoint.<name>.*}), most specific first
 */
public record ChannelPolicy(
    String channel,
    int capacity,
    int reservedForHigh,
    Duration queueWait,
    int queueLimit,
    Duration timeout,
    int threads,
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    int ratePerSecond,
    Circuit circuit,
    List<Endpoint> endpoints) {

  /**
   * A provider endpoint of the channel: the deliveries whose address starts with {@code url} (the
   * longest matching prefix wins). It has its own circuit breaker, with the channel's circuit
   * settings, so that one failing receiver does not pause the channel for all the others, and its
   * own rate limit on top of the channel's ({@code rateLimit.perSecond}, 0: none).
   */
  public record Endpoint(String name, String url, int ratePerSecond) {

    /** Whether a delivery to {@code address} goes to this endpoint. */
    public boolean matches(String address) {
      return address != null && address.startsWith(url);
    }
  }

  /**
   * When to stop sending to a failing channel. Over the last {@code window} finished sends (at
   * least {@code minimumCalls}), a share of retryable failures at or above {@code
   * failureRateThreshold} percent opens the circuit for {@code openDuration}; then {@code
   * halfOpenCalls} probes decide whether it closes again. Permanent failures (a refused address)
   * say nothing about the channel's health and do not count.
   */
  public record Circuit(
      boolean enabled,
      int failureRateThreshold,
      int window,
      int minimumCalls,
      Duration openDuration,
      int halfOpenCalls) {}

  static final Duration DEFAULT_QUEUE_WAIT = Duration.ofSeconds(1);
  static final int DEFAULT_QUEUE_LIMIT = 2048;

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
    int window = s.integer(p + "circuit.window", 50, 1, 10_000);
    Circuit circuit =
        new Circuit(
            s.bool(p + "circuit.enabled", true),
            s.integer(p + "circuit.failureRateThreshold", 50, 1, 100),
            window,
            s.integer(p + "circuit.minimumCalls", Math.min(20, window), 1, window),
            s.duration(p + "circuit.openDuration", Duration.ofSeconds(30)),
            s.integer(p + "circuit.halfOpenCalls", 5, 1, 1_000));
    if (circuit.openDuration().isZero()) {
      throw Settings.error(p + "circuit.openDuration", "0", "must be positive");
    }
    List<Endpoint> endpoints = endpoints(p, s);
    return new ChannelPolicy(
        channel,
        capacity,
        reserved,
        s.duration(p + "queueWait", DEFAULT_QUEUE_WAIT),
        s.integer(p + "queueLimit", DEFAULT_QUEUE_LIMIT, 0, 1_000_000),
        timeout,
        s.integer(p + "threads", 4, 1, 512),
        s.integer(p + "retry.maxAttempts", 5, 1, 100),
        initial,
        max,
        s.integer(p + "rateLimit.perSecond", 0, 0, 1_000_000),
        circuit,
        endpoints);
  }

  private static List<Endpoint> endpoints(String p, Settings s) {
    Map<String, Map<String, String>> byName = new java.util.TreeMap<>();
    s.withPrefix(p + "endpoint.")
        .forEach(
            (k, v) -> {
              int dot = k.indexOf('.');
              String setting = dot < 0 ? "" : k.substring(dot + 1);
              if (dot <= 0 || !ENDPOINT_KEYS.contains(setting)) {
                throw Settings.error(
                    p + "endpoint." + k, v, "must be endpoint.<name>." + ENDPOINT_KEYS);
              }
              byName.computeIfAbsent(k.substring(0, dot), n -> new java.util.HashMap<>());
            });
    List<Endpoint> out = new java.util.ArrayList<>();
    for (String name : byName.keySet()) {
      String key = p + "endpoint." + name + ".";
      String url = s.string(key + "url", "");
      if (!url.startsWith("http://") && !url.startsWith("https://")) {
        throw Settings.error(key + "url", url, "must be an http:// or https:// URL prefix");
      }
      out.add(new Endpoint(name, url, s.integer(key + "rateLimit.perSecond", 0, 0, 1_000_000)));
    }
    out.sort(java.util.Comparator.comparingInt((Endpoint e) -> e.url().length()).reversed());
    return List.copyOf(out);
  }

  private static final java.util.Set<String> ENDPOINT_KEYS =
      java.util.Set.of("url", "rateLimit.perSecond");

  /** The endpoint a delivery to {@code address} goes to, or null for the channel as a whole. */
  public Endpoint endpointFor(String address) {
    for (Endpoint e : endpoints) {
      if (e.matches(address)) {
        return e;
      }
    }
    return null;
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
