package org.msgcenter.center.delivery;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRateLimiterMetrics;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.msgcenter.center.channel.ChannelOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A channel's, or one of its endpoints', circuit breaker and rate limiter (resilience4j), and the
 * abnormal-endpoint alert they drive: when the circuit opens, a WARN line with the failure rate and
 * the numbers; when it closes again, a recovery notice. The state is exported as {@code
 * resilience4j_circuitbreaker_state{name=<channel>}} ({@code <channel>/<endpoint>} for an endpoint)
 * and the calls as {@code resilience4j_circuitbreaker_calls_*}.
 */
final class ChannelGuards {
  private static final Logger log = LoggerFactory.getLogger(ChannelGuards.class);

  /** Thrown into the breaker's books for a retryable failure; never leaves this class. */
  private static final class RetryableFailureSignal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RetryableFailureSignal(String reason) {
      super(reason, null, false, false);
    }
  }

  private final CircuitBreaker breaker;
  private final String name;
  private final RateLimiterRegistry rateLimiters;
  private volatile RateLimiter limiter;
  private final Duration openDuration;

  ChannelGuards(ChannelPolicy policy, MeterRegistry metrics, Alerts alerts) {
    this(policy.channel(), null, policy.circuit(), policy.ratePerSecond(), metrics, alerts);
  }

  ChannelGuards(
      ChannelPolicy policy, ChannelPolicy.Endpoint endpoint, MeterRegistry metrics, Alerts alerts) {
    this(
        policy.channel(),
        endpoint.name(),
        policy.circuit(),
        endpoint.ratePerSecond(),
        metrics,
        alerts);
  }

  private ChannelGuards(
      String channel,
      String endpoint,
      ChannelPolicy.Circuit c,
      int ratePerSecond,
      MeterRegistry metrics,
      Alerts alerts) {
    this.name = endpoint == null ? channel : channel + "/" + endpoint;
    this.openDuration = c.openDuration();
    if (c.enabled()) {
      CircuitBreakerConfig config =
          CircuitBreakerConfig.custom()
              .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
              .slidingWindowSize(c.window())
              .minimumNumberOfCalls(c.minimumCalls())
              .failureRateThreshold(c.failureRateThreshold())
              .waitDurationInOpenState(c.openDuration())
              .permittedNumberOfCallsInHalfOpenState(c.halfOpenCalls())
              .automaticTransitionFromOpenToHalfOpenEnabled(true)
              .recordExceptions(RetryableFailureSignal.class)
              .build();
      CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(config);
      this.breaker = registry.circuitBreaker(name);
      TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(metrics);
      breaker
          .getEventPublisher()
          .onStateTransition(
              e -> {
                CircuitBreaker.Metrics m = breaker.getMetrics();
                switch (e.getStateTransition().getToState()) {
                  case OPEN ->
                      alerts.failing(
                          channel,
                          endpoint,
                          Math.round(m.getFailureRate()),
                          m.getNumberOfBufferedCalls(),
                          c.failureRateThreshold(),
                          c.openDuration());
                  case HALF_OPEN ->
                      log.info("Channel {}: probing with {} sends", name, c.halfOpenCalls());
                  case CLOSED -> alerts.recovered(channel, endpoint);
                  default -> log.info("Channel {} circuit: {}", name, e.getStateTransition());
                }
              });
    } else {
      this.breaker = null;
    }
    this.rateLimiters =
        RateLimiterRegistry.of(
            RateLimiterConfig.custom()
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ZERO)
                .build());
    TaggedRateLimiterMetrics.ofRateLimiterRegistry(rateLimiters).bindTo(metrics);
    updateRate(ratePerSecond);
  }

  /** Sets the rate limit at run time; 0 removes it. */
  void updateRate(int perSecond) {
    if (perSecond <= 0) {
      limiter = null;
    } else if (limiter == null) {
      limiter =
          rateLimiters.rateLimiter(
              name,
              RateLimiterConfig.from(rateLimiters.getDefaultConfig())
                  .limitForPeriod(perSecond)
                  .build());
      limiter.changeLimitForPeriod(perSecond);
    } else {
      limiter.changeLimitForPeriod(perSecond);
    }
  }

  /** Whether a new delivery may be sent now: the circuit lets it through and the rate allows. */
  boolean admit() {
    return !circuitOpen() && acquireRate();
  }

  /** Takes a permit of the rate limit, if there is one; false when the cycle's are spent. */
  boolean acquireRate() {
    RateLimiter l = limiter;
    return l == null || l.acquirePermission();
  }

  /**
   * How long a delivery refused by {@link #admit()} should wait in the database: until the circuit
   * half-opens, or until the rate limiter's next permit; zero when it would be admitted now.
   */
  Duration holdFor() {
    if (circuitOpen()) {
      return openDuration;
    }
    RateLimiter l = limiter;
    if (l == null || l.getMetrics().getAvailablePermissions() > 0) {
      return Duration.ZERO;
    }
    long nanos =
        l instanceof io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter a
            ? a.getDetailedMetrics().getNanosToWait()
            : l.getRateLimiterConfig().getLimitRefreshPeriod().toNanos();
    return Duration.ofNanos(Math.max(nanos, 1_000_000));
  }

  /**
   * How many deliveries {@link #admit()} would let through now: none while the circuit is open, the
   * permits left in the rate limiter's cycle, or {@link Integer#MAX_VALUE} without a limit.
   */
  int permits() {
    return circuitOpen() ? 0 : ratePermits();
  }

  /** The permits left in the rate limiter's cycle, or {@link Integer#MAX_VALUE} without a limit. */
  int ratePermits() {
    RateLimiter l = limiter;
    return l == null ? Integer.MAX_VALUE : Math.max(0, l.getMetrics().getAvailablePermissions());
  }

  /** Asks the breaker for a call right before sending; false while it is open. */
  boolean tryStart() {
    return breaker == null || breaker.tryAcquirePermission();
  }

  /** Books a finished send with the breaker. */
  void finished(ChannelOutcome outcome, Duration took) {
    if (breaker == null) {
      return;
    }
    if (outcome instanceof ChannelOutcome.RetryableFailure f) {
      breaker.onError(took.toNanos(), TimeUnit.NANOSECONDS, new RetryableFailureSignal(f.reason()));
    } else {
      breaker.onSuccess(took.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  /** Gives back the permission of a call that was not made. */
  void notStarted() {
    if (breaker != null) {
      breaker.releasePermission();
    }
  }

  /** The channel's name, or {@code <channel>/<endpoint>}. */
  String name() {
    return name;
  }

  /** When deliveries refused by an open circuit should be tried again. */
  Duration openDuration() {
    return openDuration;
  }

  boolean circuitOpen() {
    return breaker != null && breaker.getState() == CircuitBreaker.State.OPEN;
  }
}
