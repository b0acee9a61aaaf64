package org.msgcenter.center.query.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;
import org.msgcenter.api.AccessDeniedException;
import org.msgcenter.api.InvalidRequestException;
import org.msgcenter.api.MessageCenterException;
import org.msgcenter.api.MessageNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the body of a service method: times it ({@code msgcenter.service.calls{method,outcome}},
 * with histogram buckets for percentiles), lets the contract's exceptions through, and turns any
 * other failure into a {@link MessageCenterException} that says where to look, logged here with its
 * cause. A caller never sees SQL or the classes of the center's libraries, which it could not
 * deserialize anyway.
 */
public final class ServiceCalls {
  private static final Logger log = LoggerFactory.getLogger(ServiceCalls.class);

  /**
   * The range of the calls' histogram buckets ({@code msgcenter_service_calls_seconds_bucket}), for
   * percentiles in Prometheus: from a page read from memory to a call at Dubbo's longest timeout.
   */
  private static final Duration FASTEST = Duration.ofMillis(1).dividedBy(4);

  private static final Duration SLOWEST = Duration.ofSeconds(30);

  private final MeterRegistry metrics;

  public ServiceCalls(MeterRegistry metrics) {
    this.metrics = metrics;
  }

  public <T> T call(String method, String subject, Supplier<T> body) {
    long start = System.nanoTime();
    String outcome = "ok";
    try {
      return body.get();
    } catch (MessageCenterException e) {
      outcome = outcome(e);
      throw e;
    } catch (RuntimeException e) {
      outcome = "error";
      log.warn("{} of {} failed", method, subject, e);
      throw new MessageCenterException(
          method
              + " failed inside the message center ("
              + e.getClass().getSimpleName()
              + "); the center's log has the cause");
    } finally {
      Timer.builder("msgcenter.service.calls")
          .tag("method", method)
          .tag("outcome", outcome)
          .publishPercentileHistogram()
          .minimumExpectedValue(FASTEST)
          .maximumExpectedValue(SLOWEST)
          .register(metrics)
          .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
  }

  static String outcome(MessageCenterException e) {
    if (e instanceof InvalidRequestException) {
      return "invalid";
    }
    if (e instanceof MessageNotFoundException) {
      return "not_found";
    }
    return e instanceof AccessDeniedException ? "denied" : "error";
  }
}
