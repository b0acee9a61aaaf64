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
 * A channel's circuit breaker and rate limiter (resilience4j), and the abnormal-endpoint alert they
 * drive: when the circuit opens, a WARN line with the failure rate and the numbers; when it closes
 * again, a recovery notice. The state is exported as {@code
 * resilience4j_circuitbreaker_state{name=<channel>}} and the calls as {@code
 * resilience4j_circuitbreaker_calls_*}.
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
    this.name = policy.channel();
    ChannelPolicy.Circuit c = policy.circuit();
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
                          name,
                          Math.round(m.getFailureRate()),
                          m.getNumberOfBufferedCalls(),
                          c.failureRateThreshold(),
                          c.openDuration());
                  case HALF_OPEN ->
                      log.info("Channel {}: probing with {} sends", name, c.halfOpenCalls());
                  case CLOSED -> alerts.recovered(name);
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
    updateRate(policy.ratePerSecond());
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
    if (breaker != null && breaker.getState() == CircuitBreaker.State.OPEN) {
      return false;
    }
    RateLimiter l = limiter;
    return l == null || l.acquirePermission();
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

  /** When deliveries refused by an open circuit should be tried again. */
  Duration openDuration() {
    return openDuration;
  }

  boolean circuitOpen() {
    return breaker != null && breaker.getState() == CircuitBreaker.State.OPEN;
  }
}
